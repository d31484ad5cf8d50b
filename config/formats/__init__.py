"""The product's date and time formats per language (FORMAT_MODULE_PATH), over Django's own.

One format everywhere: "1 Dec 2026, 20:41" ("1 dec 2026, 20:41" in Dutch), 24-hour clock; the
seconds (TIME_FORMAT) appear where a moment is shown precisely, as in a `<time>`'s title.
"""
