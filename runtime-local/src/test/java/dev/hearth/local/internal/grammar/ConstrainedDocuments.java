package dev.hearth.local.internal.grammar;

/** A schema and a valid document for it, shared by the mask measurement and tests. */
final class ConstrainedDocuments {
    private ConstrainedDocuments() {
    }

    static final String SCHEMA = """
            {"type": "object",
             "properties": {
               "customer": {"type": "object",
                            "properties": {"name": {"type": "string"}, "email": {"type": ["string", "null"]},
                                           "vip": {"type": "boolean"}},
                            "required": ["name", "vip"], "additionalProperties": false},
               "items": {"type": "array",
                         "items": {"type": "object",
                                   "properties": {"sku": {"type": "string"}, "count": {"type": "integer"},
                                                  "price": {"type": "number"}},
                                   "required": ["sku", "count", "price"], "additionalProperties": false}},
               "note": {"type": "string"},
               "status": {"enum": ["open", "paid", "shipped"]}
             },
             "required": ["customer", "items", "note", "status"],
             "additionalProperties": false}
            """;

    static final String DOCUMENT = """
            {"customer": {"name": "Zoë Ångström", "email": "zoe@example.org", "vip": true},
             "items": [{"sku": "apple-123", "count": 4, "price": 0.25},
                       {"sku": "pear-9", "count": 12, "price": 1.5e1},
                       {"sku": "fig \\"dried\\"", "count": 1, "price": 3}],
             "note": "Leave the parcel by the blue door, next to the bicycle; ring twice and wait a minute. Merci! 🚲",
             "status": "paid"}""";
}
