"""Drives a program through a pseudo-terminal, as a person at a terminal would.

argv[1] is JSON: {"argv": [...], "env": {...}, "steps": [{"send": "...", "expect": "regex"}], "timeoutSeconds": N}.
Each step writes `send` to the terminal, then reads until `expect` matches what arrived since
that step's send (ANSI sequences removed). Prints JSON: {"ok", "failedStep", "transcript", "exitStatus"}.
"""
import fcntl, json, os, pty, re, select, signal, struct, sys, termios, time

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>]|\r")


def main():
    spec = json.loads(sys.argv[1])
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(spec["argv"][0], spec["argv"], spec["env"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 250, 0, 0))
    deadline = time.monotonic() + spec.get("timeoutSeconds", 60)
    transcript = ""
    failed = None
    for index, step in enumerate(spec["steps"]):
        if step.get("send"):
            os.write(fd, step["send"].encode())
        seen = ""
        pattern = re.compile(step.get("expect", ""))
        while not pattern.search(ANSI.sub("", seen)):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                failed = index
                break
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536).decode("utf-8", "replace")
            except OSError:
                failed = index
                break
            seen += chunk
            transcript += chunk
        if failed is not None:
            break
    status = None
    end = time.monotonic() + 10
    while time.monotonic() < end:
        done, code = os.waitpid(pid, os.WNOHANG)
        if done:
            status = os.waitstatus_to_exitcode(code)
            break
        try:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                transcript += os.read(fd, 65536).decode("utf-8", "replace")
        except OSError:
            time.sleep(0.05)
    if status is None:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print(json.dumps({"ok": failed is None, "failedStep": failed, "transcript": ANSI.sub("", transcript), "exitStatus": status}))


main()
