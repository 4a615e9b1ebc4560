"""The event transcoder: the library's `JSONTranscoder`, byte for byte, with orjson doing the writing.

The stock transcoder calls back into Python for every value object an event carries, and its
encoder is most of the cost of saving an event. Here the event state is first turned into plain
JSON values (str, int, bool, None, dicts with str keys, lists) in one walk, each registered value
object replaced by `{"_type_": name, "_data_": ...}` exactly as the stock encoder's callback does;
orjson then writes that with no callbacks at all. Anything the walk is not sure orjson writes as
the stock encoder would (a float, a subclass, an unregistered type, an int past 64 bits) goes to
the stock encoder instead, so the stored bytes never differ (tests/app/test_transcoder.py).
Reading is the same: orjson parses, one walk turns the `_type_` objects back into values, and
anything orjson refuses or may read differently (a float) goes to the stock decoder.
"""

from __future__ import annotations

from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder


class _Unsure(Exception):
    """A value the stock encoder may write differently from orjson: let the stock encoder write it."""


_PLAIN = frozenset({str, int, bool, type(None)})
_NESTED = frozenset({dict, list, float})  # what the decoding walk must look into (a float: to hand it over)
_INT_RANGE = range(-(2**63), 2**64)  # what orjson writes; Python's json writes any int, so larger go there


class OrjsonTranscoder(JSONTranscoder):
    def encode(self, obj: Any) -> bytes:
        try:
            plain = self._plain(obj)
        except _Unsure:
            return super().encode(obj)
        try:
            return orjson.dumps(plain)
        except orjson.JSONEncodeError:  # a lone surrogate: the stock encoder raises its own error for it
            return super().encode(obj)

    def decode(self, data: bytes) -> Any:
        try:
            parsed = orjson.loads(data)
            return self._values(parsed)
        except (orjson.JSONDecodeError, _Unsure):  # NaN and Infinity; floats, which may have been big ints
            return super().decode(data)

    def _plain(self, obj: Any) -> Any:
        kind = type(obj)
        if kind in _PLAIN:
            if kind is int and obj not in _INT_RANGE:
                raise _Unsure
            return obj
        if kind is dict:
            plain, copy = self._plain, {}
            for key, value in obj.items():
                if type(key) is not str:
                    raise _Unsure  # json writes int, float, bool and None keys as strings; orjson refuses them
                # Text, None, booleans and ints orjson writes are most values: kept as they are without a call.
                held = type(value)
                if held is str or value is None or held is bool or (held is int and value in _INT_RANGE):
                    copy[key] = value
                else:
                    copy[key] = plain(value)
            return copy
        if kind is list or kind is tuple:
            plain = self._plain
            return [value if type(value) is str else plain(value) for value in obj]
        transcoding = self.types.get(kind)
        if transcoding is None:
            raise _Unsure  # floats (json writes repr, orjson its own form), subclasses, unregistered types
        data = transcoding.encode(obj)
        # A uuid's hex, a datetime's ISO text: a str is kept as it is, without a call.
        return {"_type_": transcoding.name, "_data_": data if type(data) is str else self._plain(data)}

    def _values(self, parsed: Any) -> Any:
        """As the stock decoder's object hook, innermost objects first.

        orjson reads an int past 64 bits as a float, where json reads an int: any float is read by json."""
        kind = type(parsed)
        if kind is dict:
            values = self._values
            for key, value in parsed.items():
                if type(value) in _NESTED:
                    parsed[key] = values(value)
            if len(parsed) == 2 and "_type_" in parsed and "_data_" in parsed:
                return self._decode_obj(parsed)
            return parsed
        if kind is list:
            values = self._values
            return [values(value) if type(value) in _NESTED else value for value in parsed]
        if kind is float:
            raise _Unsure
        return parsed
