"""The peak resident memory a process reaches during a piece of work, without slowing it down.

On Linux the kernel keeps the peak (``VmHWM``) and lets a process reset it to the current size
(``/proc/self/clear_refs``), so the peak of the work alone is ``VmHWM`` afterwards minus ``VmRSS``
before. Elsewhere :func:`resource.getrusage`'s lifetime peak is the fallback (exact in a fresh
process, such as the import's child), and None where neither exists."""
_started = {}


def _status(field):
    """A ``/proc/self/status`` size in bytes, or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _lifetime_peak():
    try:
        import resource
    except ImportError:  # Windows
        return None
    import sys
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def start_peak_rss():
    """Start watching: remember the current size and reset the kernel's peak where possible."""
    _started.clear()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")
        _started["rss"] = _status("VmRSS")
    except OSError:
        _started["peak"] = _lifetime_peak()


def peak_rss_since():
    """Bytes the process grew to at most since :func:`start_peak_rss` (None when unknown)."""
    if _started.get("rss") is not None:
        peak = _status("VmHWM")
        return None if peak is None else max(0, peak - _started["rss"])
    before, after = _started.get("peak"), _lifetime_peak()
    return None if before is None or after is None else max(0, after - before)
