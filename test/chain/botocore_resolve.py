#!/usr/bin/env python3
"""Resolve AWS credentials exactly as botocore does, for the differential chain test.

Usage: python3 botocore_resolve.py [--profile NAME] [--mfa-code CODE]

Reads everything else (HOME, AWS_*, BOTO_CONFIG, ...) from the environment it runs under.
Prints one JSON line on stdout:
  {"ok": true, "key": "...", "secret": "...", "token": bool, "session_token": str|null,
   "expiry": str|null, "method": "..."}
  {"ok": false, "error": "<botocore exception class name>", "message": "..."}

get_credentials() alone is lazy for assume-role (DeferredRefreshableCredentials), so the
script freezes the credentials: that performs the STS call and runs expiry checks.

MFA: botocore prompts with getpass.getpass on /dev/tty. The prompt is replaced before
botocore is imported (AssumeRoleProvider binds getpass.getpass as a default argument):
with --mfa-code it returns that code, without it the prompt fails, so the script can
never block on a terminal.
"""

import argparse
import getpass
import json
import os
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--profile')
    parser.add_argument('--mfa-code')
    args = parser.parse_args()

    def prompt(message: str = '', stream=None) -> str:
        if args.mfa_code is None:
            raise EOFError(f'no MFA code available for prompt {message!r}')
        return args.mfa_code

    getpass.getpass = prompt

    # Belt and braces: this script must never reach the real instance metadata service.
    if 'AWS_EC2_METADATA_SERVICE_ENDPOINT' not in os.environ:
        if os.environ.get('AWS_EC2_METADATA_DISABLED', '').lower() != 'true':
            print(json.dumps({'ok': False, 'error': 'HarnessError',
                              'message': 'IMDS neither disabled nor pointed at a rig'}))
            return 2

    import botocore.session  # noqa: E402 (after the getpass patch)

    try:
        session = botocore.session.Session(profile=args.profile)
        creds = session.get_credentials()
        if creds is None:
            print(json.dumps({'ok': False, 'error': 'NoCredentials',
                              'message': 'get_credentials() returned None'}))
            return 0
        frozen = creds.get_frozen_credentials()
        expiry = getattr(creds, '_expiry_time', None)
        print(json.dumps({
            'ok': True,
            'key': frozen.access_key,
            'secret': frozen.secret_key,
            'token': bool(frozen.token),
            'session_token': frozen.token,
            'expiry': expiry.isoformat() if expiry is not None else None,
            'method': creds.method,
        }))
    except Exception as e:  # report botocore's class name, whatever it is
        print(json.dumps({'ok': False, 'error': type(e).__name__, 'message': str(e)}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
