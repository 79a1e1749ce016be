"""What the ML-GLASS plot scripts share: a headless pyplot with a clear error when matplotlib is
missing, and PNG files written atomically (never a half-written plot)."""
import os
import sys


def pyplot(script):
    """matplotlib.pyplot on the Agg backend; exits naming the Python that lacks matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        sys.exit(f"{script}: error: {err} in {sys.executable}; install python3-matplotlib or run "
                 "the script with a Python that has it (e.g. /usr/bin/python3, or set MLGLASS_PYTHON)")
    return plt


def save_png(fig, png_path, script):
    """Write fig to png_path through a temporary file; exits with an error if that fails."""
    tmp = png_path + ".tmp"
    try:
        fig.savefig(tmp, dpi=120, format="png")
        os.replace(tmp, png_path)
    except OSError as err:
        if os.path.exists(tmp):
            os.remove(tmp)
        sys.exit(f"{script}: error: cannot write {png_path}: {err}")
