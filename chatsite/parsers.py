"""The API's JSON parser: DRF's, with a document nested too deeply refused as 400 `invalid`.

Python's json module parses nesting by recursion, so a body of a few kilobytes of `[[[[...` hit the
interpreter's recursion limit and the request ended in a 500 (RecursionError), for anyone, signed
in or not. No request of this API nests more than a few levels.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
