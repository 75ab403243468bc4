#!/usr/bin/env python3
"""Resolve an SSO profile exactly as the AWS CLI does, for test/chain/sso-differential.test.ts.

    python3 botocore_sso.py --profile NAME

reads HOME, AWS_* from the environment (the caller builds it from scratch and points
AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC at the loopback rig) and prints one JSON line:
    {"ok": true, "key", "secret", "session_token", "expiry", "account_id", "method"}
    {"ok": false, "error": "<botocore exception class name>", "message": "..."}

Like the AWS CLI (awscli/customizations/sso), the sso provider's role cache is a JSONFileCache
in ~/.aws/cli/cache, so each side reads the files the other wrote.
"""

import argparse
import json
import os
import sys

import botocore.session
from botocore.utils import JSONFileCache


def resolve(profile):
    if os.environ.get('AWS_EC2_METADATA_DISABLED', '').lower() != 'true':
        return {'ok': False, 'error': 'HarnessError', 'message': 'IMDS must be disabled'}
    try:
        session = botocore.session.Session(profile=profile)
        provider = session.get_component('credential_provider').get_provider('sso')
        provider.cache = JSONFileCache(os.path.expanduser(os.path.join('~', '.aws', 'cli', 'cache')))
        creds = session.get_credentials()
        if creds is None:
            return {'ok': False, 'error': 'NoCredentials', 'message': 'get_credentials() returned None'}
        frozen = creds.get_frozen_credentials()
        expiry = getattr(creds, '_expiry_time', None)
        return {
            'ok': True,
            'key': frozen.access_key,
            'secret': frozen.secret_key,
            'session_token': frozen.token,
            'expiry': expiry.isoformat() if expiry is not None else None,
            'account_id': getattr(frozen, 'account_id', None),
            'method': creds.method,
        }
    except Exception as e:  # report the class name, whatever botocore lets escape
        return {'ok': False, 'error': type(e).__name__, 'message': str(e)[:2000]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--profile', required=True)
    args = parser.parse_args()
    print(json.dumps(resolve(args.profile)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
