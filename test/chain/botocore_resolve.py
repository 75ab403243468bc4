#!/usr/bin/env python3
"""Resolve AWS credentials exactly as botocore does, for the differential chain test.

One case:
    python3 botocore_resolve.py [--profile NAME] [--mfa-code CODE]

reads everything else (HOME, AWS_*, BOTO_CONFIG, ...) from the environment it runs under and
prints one JSON line on stdout:
    {"ok": true, "key": "...", "secret": "...", "token": bool, "session_token": str|null,
     "expiry": str|null, "account_id": str|null, "method": "..."}
    {"ok": false, "error": "<botocore exception class name>", "message": "..."}

Many cases (what the test uses, because importing botocore costs ~0.2 s of CPU per process):
    python3 botocore_resolve.py --serve
reads JSON lines {"id", "env", "cwd", "profile"?, "mfa_code"?} on stdin, and for each one forks
a child of this already-imported process that replaces its whole environment with `env`,
changes to `cwd`, resolves as above and answers {"id", "result"} on stdout. Start the server
itself with an empty environment (PATH only), so nothing leaks in at import time.

get_credentials() alone is lazy for assume-role (DeferredRefreshableCredentials), so the
credentials are frozen: that performs the STS call and runs the expiry checks.

MFA: botocore prompts with getpass.getpass on /dev/tty. The prompt is replaced before
botocore is imported (AssumeRoleProvider binds getpass.getpass as a default argument): with a
code it answers that code, without one it fails, so this never blocks on a terminal.

Never reaches the network except the loopback rigs the caller points it at: it refuses to run
a case whose IMDS is neither disabled nor pointed at loopback.
"""

import argparse
import getpass
import json
import os
import selectors
import sys

_mfa_code = None


def _prompt(message='', stream=None):
    if _mfa_code is None:
        raise EOFError(f'no MFA code available for prompt {message!r}')
    return _mfa_code


getpass.getpass = _prompt

import botocore.session  # noqa: E402  (after the getpass patch)

LOOPBACK = ('http://127.0.0.1:', 'http://localhost:', 'http://[::1]:')
MAX_MESSAGE = 2000


def imds_is_safe():
    """IMDS is disabled, or its endpoint (env, else the config file) is on loopback."""
    if os.environ.get('AWS_EC2_METADATA_DISABLED', '').lower() == 'true':
        return True
    endpoint = os.environ.get('AWS_EC2_METADATA_SERVICE_ENDPOINT')
    if endpoint is not None:
        return endpoint.startswith(LOOPBACK)
    config = os.path.expanduser(os.environ.get('AWS_CONFIG_FILE', '~/.aws/config'))
    try:
        with open(config, encoding='utf-8') as f:
            lines = [line.split('=', 1) for line in f.read().splitlines() if '=' in line]
    except OSError:
        return False
    values = [v.strip() for k, v in lines if k.strip().lower() == 'ec2_metadata_service_endpoint']
    return bool(values) and all(v.startswith(LOOPBACK) for v in values)


def resolve(profile):
    """botocore's answer for the current environment, as a JSON-ready dict."""
    if not imds_is_safe():
        return {'ok': False, 'error': 'HarnessError',
                'message': 'IMDS neither disabled nor pointed at a loopback rig'}
    try:
        session = botocore.session.Session(profile=profile)
        creds = session.get_credentials()
        if creds is None:
            return {'ok': False, 'error': 'NoCredentials', 'message': 'get_credentials() returned None'}
        frozen = creds.get_frozen_credentials()
        expiry = getattr(creds, '_expiry_time', None)
        return {
            'ok': True,
            'key': frozen.access_key,
            'secret': frozen.secret_key,
            'token': bool(frozen.token),
            'session_token': frozen.token,
            'expiry': expiry.isoformat() if expiry is not None else None,
            'account_id': getattr(frozen, 'account_id', None),
            'method': creds.method,
        }
    except Exception as e:  # report the class name, whatever botocore lets escape
        return {'ok': False, 'error': type(e).__name__, 'message': str(e)[:MAX_MESSAGE]}


def _write_all(fd, data):
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _child(request, result_fd):
    """Runs in the forked child: one case, then _exit."""
    global _mfa_code
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)  # stdin at EOF, like the single-case mode
        os.dup2(devnull, 1)  # stray prints must not corrupt the protocol
        os.environ.clear()
        os.environ.update(request['env'])
        os.chdir(request['cwd'])
        _mfa_code = request.get('mfa_code')
        result = resolve(request.get('profile'))
    except BaseException as e:  # noqa: BLE001
        result = {'ok': False, 'error': 'HarnessError', 'message': f'{type(e).__name__}: {e}'}
    try:
        _write_all(result_fd, json.dumps(result).encode('utf-8'))
    finally:
        os._exit(0)


def serve():
    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ, None)
    pending = {}  # read fd -> [id, pid, chunks]
    inbuf = b''
    stdin_open = True
    while stdin_open or pending:
        for key, _ in selector.select():
            fd = key.fd
            if fd == 0:
                data = os.read(0, 65536)
                if not data:
                    stdin_open = False
                    selector.unregister(0)
                    continue
                inbuf += data
                while b'\n' in inbuf:
                    line, inbuf = inbuf.split(b'\n', 1)
                    if not line.strip():
                        continue
                    request = json.loads(line)
                    read_fd, write_fd = os.pipe()
                    pid = os.fork()
                    if pid == 0:
                        os.close(read_fd)
                        _child(request, write_fd)
                    os.close(write_fd)
                    pending[read_fd] = [request['id'], pid, []]
                    selector.register(read_fd, selectors.EVENT_READ, None)
            else:
                data = os.read(fd, 65536)
                if data:
                    pending[fd][2].append(data)
                    continue
                request_id, pid, chunks = pending.pop(fd)
                selector.unregister(fd)
                os.close(fd)
                os.waitpid(pid, 0)
                try:
                    result = json.loads(b''.join(chunks).decode('utf-8'))
                except ValueError:
                    result = {'ok': False, 'error': 'HarnessError', 'message': 'child gave no answer'}
                sys.stdout.write(json.dumps({'id': request_id, 'result': result}) + '\n')
                sys.stdout.flush()
    return 0


def main():
    global _mfa_code
    parser = argparse.ArgumentParser()
    parser.add_argument('--profile')
    parser.add_argument('--mfa-code')
    parser.add_argument('--serve', action='store_true')
    args = parser.parse_args()
    if args.serve:
        return serve()
    _mfa_code = args.mfa_code
    print(json.dumps(resolve(args.profile)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
