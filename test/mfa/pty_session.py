"""Runs a command in a new session whose controlling terminal is a pseudo-terminal held here,
with the command's stdin, stdout and stderr on pipes (as an SDK runs a credential_process).

usage: pty_session.py PLAN_JSON -- COMMAND [ARG...]

PLAN_JSON is a list of steps {"expect": TEXT, "send": TEXT}: wait until the terminal shows
TEXT (after what the previous step matched), then type "send" (or send the command the signal
named by "signal"). Prints one JSON object: {"code", "signal", "terminal", "stdout", "stderr",
"timed_out", "echo" (the terminal's echo at the end), "unmatched"}.
"""
import fcntl
import json
import os
import select
import signal
import subprocess
import sys
import termios
import time

LIMIT_SECONDS = 60  # a safety net for a hang, not a budget


def make_controlling_terminal(slave_name):
    def in_child():
        os.setsid()
        fd = os.open(slave_name, os.O_RDWR)
        fcntl.ioctl(fd, termios.TIOCSCTTY, 0)
        os.close(fd)

    return in_child


def read_some(master, deadline):
    ready, _, _ = select.select([master], [], [], max(0.0, min(0.2, deadline - time.monotonic())))
    return os.read(master, 4096) if ready else b''


def main():
    plan = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index('--') + 1:]
    master, slave = os.openpty()
    slave_name = os.ttyname(slave)
    child = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=make_controlling_terminal(slave_name),
    )
    # Held open until the end: the command opens /dev/tty only when it prompts, and a master
    # with no slave open anywhere reads as EIO.
    child.stdin.close()
    child.stdin = None  # a pipe at EOF, as an SDK leaves it; communicate() must not flush it
    deadline = time.monotonic() + LIMIT_SECONDS
    terminal = b''
    matched_to = 0
    steps = list(plan)
    timed_out = False
    while True:
        if time.monotonic() > deadline:
            timed_out = True
            os.killpg(child.pid, signal.SIGKILL)
            break
        if steps:
            expect = steps[0]['expect'].encode()
            at = terminal.find(expect, matched_to)
            if at >= 0:
                matched_to = at + len(expect)
                step = steps.pop(0)
                if 'signal' in step:
                    os.kill(child.pid, signal.Signals[step['signal']])
                else:
                    os.write(master, step['send'].encode())
                continue
        chunk = read_some(master, deadline)
        terminal += chunk
        if not chunk and child.poll() is not None:
            break
    echo = bool(termios.tcgetattr(slave)[3] & termios.ECHO)
    os.close(slave)
    stdout, stderr = child.communicate()
    code = child.returncode
    print(json.dumps({
        'code': code if code >= 0 else None,
        'signal': signal.Signals(-code).name if code < 0 else None,
        'terminal': terminal.decode('utf8', 'replace'),
        'stdout': stdout.decode('utf8', 'replace'),
        'stderr': stderr.decode('utf8', 'replace'),
        'timed_out': timed_out,
        'echo': echo,
        'unmatched': [step['expect'] for step in steps],
    }))


main()
