#!/usr/bin/env python3
"""An independent GGUF v3 reader, written from the GGUF specification (ggml/docs/gguf.md) with only the standard
library: checks that a file follows the spec and prints what it holds as JSON, for a Java test to compare with its own
reader. Exits with status 1 and a message on stderr when the file breaks the spec."""
import json
import os
import struct
import sys

# ggml type id -> (name, elements per block, bytes per block), from ggml.h / ggml.c type traits
GGML_TYPES = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20), 6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36), 10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176), 14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292), 30: ("BF16", 1, 2),
}
# metadata value type id -> struct format (None for string/array)
SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
TYPE_NAMES = {0: "UINT8", 1: "INT8", 2: "UINT16", 3: "INT16", 4: "UINT32", 5: "INT32", 6: "FLOAT32", 7: "BOOL",
              8: "STRING", 9: "ARRAY", 10: "UINT64", 11: "INT64", 12: "FLOAT64"}


class SpecError(Exception):
    pass


class Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, fmt):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.data):
            raise SpecError(f"truncated at byte {self.pos} reading {fmt}")
        value = struct.unpack_from(fmt, self.data, self.pos)[0]
        self.pos += size
        return value

    def string(self):
        length = self.take("<Q")
        if self.pos + length > len(self.data):
            raise SpecError(f"string of {length} bytes at {self.pos} runs past the end")
        raw = self.data[self.pos:self.pos + length]
        self.pos += length
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SpecError(f"string at {self.pos - length} is not UTF-8: {e}")

    def value(self, type_id):
        if type_id in SCALARS:
            value = self.take(SCALARS[type_id])
            if type_id == 7 and self.data[self.pos - 1] not in (0, 1):
                raise SpecError(f"bool at {self.pos - 1} is neither 0 nor 1")
            return value
        if type_id == 8:
            return self.string()
        if type_id == 9:
            element_type = self.take("<I")
            if element_type not in TYPE_NAMES:
                raise SpecError(f"array element type {element_type} is not a GGUF type")
            length = self.take("<Q")
            elements = [self.value(element_type) for _ in range(length)]
            return {"element_type": TYPE_NAMES[element_type], "length": length, "elements": elements}
        raise SpecError(f"value type {type_id} is not a GGUF type")


def check(path):
    with open(path, "rb") as f:
        data = f.read()
    r = Reader(data)
    if data[:4] != b"GGUF":
        raise SpecError(f"magic is {data[:4]!r}, not b'GGUF'")
    r.pos = 4
    version = r.take("<I")
    if version != 3:
        raise SpecError(f"version {version}, expected 3")
    tensor_count = r.take("<Q")
    kv_count = r.take("<Q")
    metadata = {}
    for _ in range(kv_count):
        key = r.string()
        if key in metadata:
            raise SpecError(f"duplicate metadata key {key}")
        type_id = r.take("<I")
        if type_id not in TYPE_NAMES:
            raise SpecError(f"key {key}: value type {type_id} is not a GGUF type")
        value = r.value(type_id)
        if isinstance(value, dict):  # summarise arrays: length and first elements
            value = {"element_type": value["element_type"], "length": value["length"],
                     "first": [v if not isinstance(v, float) else float(v) for v in value["elements"][:3]]}
        metadata[key] = {"type": TYPE_NAMES[type_id], "value": value}
    alignment = metadata.get("general.alignment", {"value": 32})["value"]
    if alignment <= 0 or alignment % 8 != 0:
        raise SpecError(f"general.alignment {alignment} is not a positive multiple of 8")
    tensors = []
    names = set()
    for _ in range(tensor_count):
        name = r.string()
        if name in names:
            raise SpecError(f"duplicate tensor {name}")
        names.add(name)
        n_dims = r.take("<I")
        if not 1 <= n_dims <= 4:
            raise SpecError(f"tensor {name} has {n_dims} dimensions")
        dims = [r.take("<Q") for _ in range(n_dims)]
        type_id = r.take("<I")
        if type_id not in GGML_TYPES:
            raise SpecError(f"tensor {name} has unknown ggml type {type_id}")
        offset = r.take("<Q")
        type_name, block, block_bytes = GGML_TYPES[type_id]
        if dims[0] % block != 0:
            raise SpecError(f"tensor {name}: row of {dims[0]} is not a whole number of {type_name} blocks")
        elements = 1
        for d in dims:
            elements *= d
        if offset % alignment != 0:
            raise SpecError(f"tensor {name}: offset {offset} is not aligned to {alignment}")
        tensors.append({"name": name, "dims": dims, "type": type_name, "offset": offset,
                        "bytes": elements // block * block_bytes})
    data_start = (r.pos + alignment - 1) // alignment * alignment
    if any(b != 0 for b in data[r.pos:data_start]):
        raise SpecError("padding before the data section is not zero")
    end = 0
    for t in sorted(tensors, key=lambda t: t["offset"]):
        if t["offset"] < end:
            raise SpecError(f"tensor {t['name']} overlaps the previous tensor")
        end = t["offset"] + t["bytes"]
    if data_start + end > len(data):
        raise SpecError(f"tensor data ends at {data_start + end}, past the file's {len(data)} bytes")
    return {"version": version, "alignment": alignment, "data_start": data_start, "file_size": len(data),
            "metadata": metadata, "tensors": tensors}


if __name__ == "__main__":
    try:
        print(json.dumps(check(sys.argv[1])))
    except SpecError as e:
        print(f"{sys.argv[1]}: not a valid GGUF v3 file: {e}", file=sys.stderr)
        sys.exit(1)
