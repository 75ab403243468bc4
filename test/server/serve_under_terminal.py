"""Runs `awsrole serve ... --format json` (its stdio on pipes, the terminal inherited), sends one
GET that makes it refresh, passes SIGINT/SIGTERM on to it, and prints what happened as JSON:
{"code", "signal", "port_closed"} (the GET itself may be cut short by the stop).

usage: serve_under_terminal.py -- AWSROLE_COMMAND [ARG...]
"""
import json
import signal
import socket
import subprocess
import sys
import threading
import urllib.request

command = sys.argv[sys.argv.index('--') + 1:]
serve = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
# Passed on, not acted on: the signal is for serve, as `kill -TERM PID` would send it.
for name in (signal.SIGINT, signal.SIGTERM):
    signal.signal(name, lambda number, _frame: serve.send_signal(number))
printed = json.loads(serve.stdout.read())  # serve closes stdout once it serves
url = printed['AWS_CONTAINER_CREDENTIALS_FULL_URI']
token = printed['AWS_CONTAINER_AUTHORIZATION_TOKEN']
result = {}


def get():
    request = urllib.request.Request(url, headers={'Authorization': token})
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except OSError:
        pass  # answered with a 5xx, or closed by the stop: either way serve saw the request


getter = threading.Thread(target=get)
getter.start()
code = serve.wait()
getter.join()
port = int(url.split(':')[2].split('/')[0])
try:
    socket.create_connection(('127.0.0.1', port), timeout=5).close()
    result['port_closed'] = False
except ConnectionRefusedError:
    result['port_closed'] = True
result['code'] = code if code >= 0 else None
result['signal'] = signal.Signals(-code).name if code < 0 else None
print(json.dumps(result))
