"""Parses each INI text from stdin (a JSON list) with botocore's own loader; prints JSON results."""
import json
import os
import sys
import tempfile

import botocore.configloader as loader
import botocore.exceptions as exceptions


def parse(text):
    fd, path = tempfile.mkstemp()
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(text.encode('utf-8', 'surrogatepass'))
        try:
            raw = loader.raw_config_parse(path)
            return {'ok': True, 'sections': list(raw.items()), 'profiles': loader.build_profile_map(raw)['profiles']}
        except exceptions.ConfigParseError as error:
            return {'ok': False, 'error': type(error).__name__}
    finally:
        os.unlink(path)


print(json.dumps([parse(text) for text in json.load(sys.stdin)]))
