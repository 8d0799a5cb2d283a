"""Helpers shared by the interop tests: tool requirements and bounded subprocess runs."""

import os
import subprocess

import pytest

IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(condition, reason):
    """Fails under CI=true, skips otherwise, when `condition` is false."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required when CI=true)", pytrace=False)
    pytest.skip(reason)


def run(cmd, timeout=60, env=None, input=None, check=True):
    """Runs a tool with a time limit; returns the CompletedProcess (text)."""
    result = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result
