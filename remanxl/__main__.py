import sys

try:
    from remanxl.cli import run
except KeyboardInterrupt:  # Ctrl+C while starting: nothing was read or written yet
    sys.stderr.write("remanxl: interrupted\n")
    raise SystemExit(130) from None

run()
