package dev.hearth.local.internal.tokenizer;

/**
 * One stage of a pre-tokenizer: cuts a range of code points into words. As in llama.cpp's
 * {@code unicode_regex_split}, both the matches of the stage's pattern and the text between them become words, so
 * the words always cover the range exactly.
 */
interface WordSplitter {

    /**
     * Appends to {@code ends} the end index (exclusive) of each word of code points {@code [start, end)}, in order;
     * the last one appended is {@code end}. Nothing is appended for an empty range.
     */
    void split(CodepointText text, int start, int end, IntList ends);
}
