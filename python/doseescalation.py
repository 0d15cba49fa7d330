"""Python interface to the dose-escalation tool (standard library; pandas when present).

Each function runs the installed tool and returns what it wrote: ``simulate``, ``exact``,
``compare`` and ``samplesize`` a :class:`Result` (``table``: the tidy table, a pandas DataFrame
when pandas is installed, else a list of dicts; ``json``: the tool's full JSON as a dict),
``next`` the JSON as a dict, ``table`` and ``sweep`` the CSV as a table. The tool is found
through :func:`set_tool` (the module's option), the environment variable ``DOSE_ESCALATION``,
or ``dose-escalation`` on ``PATH``. The tool's one-line errors become :class:`DoseEscalationError`
with the same message, its warnings Python warnings. Keyword arguments are the verb's flags
(``trials=10000`` is ``--trials 10000``, ``extrasafe=False`` is ``--no-extrasafe``); a flag the
tool does not know is an error.
"""

import csv
import json
import numbers
import os
import shutil
import subprocess
import tempfile
import warnings

__all__ = ["DoseEscalationError", "Result", "set_tool", "tool", "tool_available",
           "simulate", "exact", "compare", "samplesize", "next", "table", "sweep"]

_tool_option = None
_RESERVED = {"format", "out", "quiet", "help", "version", "shard", "shard_count", "duration_charts"}


class DoseEscalationError(Exception):
    """The tool's error: the message is the line it printed; ``status`` its exit code."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class Result:
    """A run's tidy table (``table``), the tool's JSON (``json``) and its command line
    (``command``); a scenario file the module wrote is named ``scenario.yaml`` there, and its
    text is ``files["scenario.yaml"]`` (write it out to run the command again)."""

    def __init__(self, table, json_, command, files=None):
        self.table = table
        self.json = json_
        self.command = command
        self.files = files or {}

    def __repr__(self):
        return "Result(%s: %d rows; .table, .json)" % (" ".join(self.command[:2]), len(self.table))


def set_tool(path):
    """Use this tool (None: back to DOSE_ESCALATION, then PATH)."""
    global _tool_option
    _tool_option = path


def _candidate():
    if _tool_option is not None:
        return _tool_option, "set_tool()"
    env = os.environ.get("DOSE_ESCALATION", "")
    if env:
        return env, "the environment variable DOSE_ESCALATION"
    found = shutil.which("dose-escalation")
    return (found, "PATH") if found else (None, None)


def tool():
    """The tool's path; raises DoseEscalationError when it is not found."""
    path, source = _candidate()
    if path is None:
        raise DoseEscalationError(
            "dose-escalation not found: call doseescalation.set_tool(\"/path/to/dose-escalation\"), "
            "set the environment variable DOSE_ESCALATION, or put the tool on PATH "
            "(dotnet tool install --global DoseEscalation.Cli)")
    if not os.path.isfile(path):
        raise DoseEscalationError("dose-escalation not found at %s (given by %s)" % (path, source))
    return os.path.abspath(path)


def tool_available():
    path, _ = _candidate()
    return path is not None and os.path.isfile(path)


def _value(value, what):
    """One value on the command line: numbers as Python writes them, vectors comma-separated."""
    items = [value] if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") else list(value)
    if not items:
        raise ValueError("%s: an empty list is not a value" % what)
    out = []
    for v in items:
        if isinstance(v, bool) or type(v).__name__ == "bool_":  # numpy's bool too
            out.append("true" if v else "false")
        elif isinstance(v, numbers.Integral):
            out.append(str(int(v)))
        elif isinstance(v, numbers.Real):  # numpy scalars too
            if v != v:
                raise ValueError("%s: NaN is not a value" % what)
            out.append(repr(float(v)))
        elif isinstance(v, str):
            out.append(v)
        else:
            raise ValueError("%s: unsupported value %r" % (what, v))
    return ",".join(out)


def _flags(flags):
    args = []
    for name, value in flags.items():
        if name in _RESERVED:
            raise ValueError("argument %s is set by the doseescalation module and cannot be given" % name)
        if value is None:
            continue  # None is "not given": the tool's default
        flag = "--" + name.replace("_", "-")
        if name == "set":
            for s in [value] if isinstance(value, str) else value:
                args += ["--set", s]
        elif isinstance(value, bool):
            args.append(flag if value else "--no-" + flag[2:])
        else:
            args += [flag, _value(value, name)]
    return args


def _design(d):
    if isinstance(d, str):
        return {"name": d, "label": d, "options": {}}
    if not isinstance(d, dict) or not isinstance(d.get("name"), str):
        raise ValueError('a design is a name ("boin") or a dict with a name: {"name": "boin", "extrasafe": True}')
    opts = {k: v for k, v in d.items() if k not in ("name", "label", "options")}
    for k, v in (d.get("options") or {}).items():
        if k in opts:
            raise ValueError("design %s: option %s is given twice" % (d["name"], k))
        opts[k] = v
    return {"name": d["name"], "label": d.get("label", d["name"]), "options": opts}


def _designs(designs):
    if designs is None:
        return None
    if isinstance(designs, (str, dict)):
        designs = [designs]
    return [_design(d) for d in designs]


def _scenarios(x, what):
    if x is None:
        return None
    if isinstance(x, dict):
        if not x:
            raise ValueError("%s: no scenarios" % what)
        return {str(k): list(v) for k, v in x.items()}
    return {None: list(x)}


def _write_scenario_file(dlt, response, designs, directory):
    k = len(_first(dlt))
    if any(len(v) != k for v in dlt.values()):
        raise ValueError("dlt: every scenario needs the same number of doses")
    if response is not None and list(response) != list(dlt):
        raise ValueError("response: one list per dlt scenario, with the same names")
    scenarios = []
    for name, values in dlt.items():
        s = {"name": name if name is not None else "command-line", "dlt": values}
        if response is not None:
            s["response"] = response[name]
        scenarios.append(s)
    doc = {"trial": {"name": "Python scenario"},
           "doses": [{"label": "DL%d" % (d + 1)} for d in range(k)],
           "scenarios": scenarios}
    if designs is not None:
        doc["designs"] = [dict({"name": d["name"], "label": d["label"]}, **d["options"]) for d in designs]
    path = os.path.join(directory, "scenario.yaml")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)  # JSON is YAML: the tool reads it as a scenario file
    return path


def _first(d):
    return d[list(d)[0]]


def _inputs(file, dlt, response, designs, multi, directory):
    dlt = _scenarios(dlt, "dlt")
    response = _scenarios(response, "response")
    designs = _designs(designs)
    if designs is not None and not multi and len(designs) != 1:
        raise ValueError("design: one design (compare takes several)")
    if response is not None and dlt is None:
        raise ValueError("response needs dlt")
    if file is not None and not os.path.isfile(file):
        raise ValueError("file %s does not exist" % file)
    labelled = designs is not None and any(d["label"] != d["name"] for d in designs)
    named = dlt is not None and None not in dlt
    if file is not None and named:
        raise ValueError("dlt: named scenarios need no file (with a file, dlt is one list, the tool's --dlt)")
    design_flag = ["--designs" if multi else "--design", ",".join(d["label"] for d in designs)] if designs else []
    if file is None and dlt is not None and (named or labelled):
        return [_write_scenario_file(dlt, response, designs, directory)] + design_flag
    if labelled and file is None:
        raise ValueError("a design label needs dlt or a scenario file")
    args = [file] if file is not None else []
    if dlt is not None:
        args += ["--dlt", _value(_first(dlt), "dlt")]
        if response is not None:
            args += ["--response", _value(_first(response), "response")]
    args += design_flag
    for d in designs or []:
        for o, v in d["options"].items():
            args += ["--set", "%s.%s=%s" % (d["label"], o, _value(v, d["label"] + "." + o))]
    return args


def _run(args, relay=True):
    with tempfile.TemporaryFile() as err:
        proc = subprocess.run([tool()] + args, stdout=subprocess.DEVNULL, stderr=err)
        err.seek(0)
        lines = [l for l in err.read().decode("utf-8", "replace").splitlines() if l.strip()]
    if proc.returncode != 0:
        message = "\n".join(lines) or "dose-escalation exited with status %d and no message" % proc.returncode
        raise DoseEscalationError(message, proc.returncode)
    for line in lines if relay else []:
        warnings.warn(line, stacklevel=3)


def _number(text):
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _read_csv(path):
    try:
        import pandas
    except ImportError:
        with open(path, newline="", encoding="utf-8") as f:
            return [{k: _number(v) for k, v in row.items()} for row in csv.DictReader(f)]
    text = {c: str for c in ("design", "scenario", "dose_label", "quantity", "version", "design_options")}
    return pandas.read_csv(path, dtype=text, keep_default_na=False, na_values=[""], float_precision="round_trip")


def _read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _command(verb, inputs, rest, directory):
    """The command line that ran, with a scenario file the module wrote named scenario.yaml, and
    that file's text."""
    written = os.path.join(directory, "scenario.yaml")
    files = {}
    if os.path.isfile(written):
        with open(written, encoding="utf-8") as f:
            files["scenario.yaml"] = f.read()
    return ["dose-escalation", verb] + ["scenario.yaml" if a == written else a for a in inputs] + rest, files


def _oc(verb, file, dlt, response, designs, multi, flags):
    with tempfile.TemporaryDirectory(prefix="doseescalation") as d:
        inputs = _inputs(file, dlt, response, designs, multi, d)
        flag = _flags(flags)
        csv_path, json_path = os.path.join(d, "out.csv"), os.path.join(d, "out.json")
        _run([verb] + inputs + ["--format", "csv", "--out", csv_path] + flag)
        _run([verb] + inputs + ["--format", "json", "--out", json_path] + flag, relay=False)  # same run: warned once
        return Result(_read_csv(csv_path), _read_json(json_path), *_command(verb, inputs, flag, d))


def simulate(file=None, dlt=None, design=None, response=None, **flags):
    """Monte Carlo operating characteristics (dose-escalation simulate)."""
    return _oc("simulate", file, dlt, response, design, False, flags)


def exact(file=None, dlt=None, design=None, response=None, **flags):
    """Exact operating characteristics (dose-escalation exact)."""
    return _oc("exact", file, dlt, response, design, False, flags)


def compare(file=None, dlt=None, designs=None, response=None, **flags):
    """Designs side by side on the same simulated patients (dose-escalation compare)."""
    return _oc("compare", file, dlt, response, designs, True, flags)


def _samplesize_rows(js):
    rows = []
    for s in js["scenarios"]:
        def add(quantity, value, se=None, dose_index=None, n=None):
            rows.append({"scenario": s["name"], "dose_index": dose_index, "quantity": quantity,
                         "n": n, "value": value, "se": se})
        for q, v in s.items():
            if q.endswith("_se") or v is None or isinstance(v, (dict, str, bool)):
                continue
            se = s.get(q + "_se")
            if isinstance(v, list):
                if not all(isinstance(x, (int, float)) for x in v):
                    continue
                first = 0 if q in ("evaluable_distribution", "enrolled_distribution", "selection") else 1
                for i, x in enumerate(v):
                    where = {"n": i} if q.endswith("_distribution") else {"dose_index": i + first}
                    add(q, x, se[i] if isinstance(se, list) else None, **where)
            else:
                add(q, v, se)
        for q in ("evaluable_quantiles", "enrolled_quantiles"):
            for p, x in (s.get(q) or {}).items():
                add(q + "_" + p, x)
    return rows


def samplesize(file=None, dlt=None, design=None, response=None, **flags):
    """Sample size for a protocol (dose-escalation samplesize); json["markdown"] holds --format md."""
    with tempfile.TemporaryDirectory(prefix="doseescalation") as d:
        inputs = _inputs(file, dlt, response, design, False, d)
        flag = _flags(flags)
        json_path, md_path = os.path.join(d, "out.json"), os.path.join(d, "out.md")
        _run(["samplesize"] + inputs + ["--format", "json", "--out", json_path] + flag)
        _run(["samplesize"] + inputs + ["--format", "md", "--out", md_path] + flag, relay=False)
        js = _read_json(json_path)
        with open(md_path, encoding="utf-8") as f:
            js["markdown"] = f.read()
        rows = _samplesize_rows(js)
        try:
            import pandas
            rows = pandas.DataFrame(rows)
        except ImportError:
            pass
        return Result(rows, js, *_command("samplesize", inputs, flag, d))


def next(data, file=None, dlt=None, design=None, response=None, **flags):  # noqa: A001 (the verb's name)
    """The next dose from the observed data (dose-escalation next): the tool's JSON as a dict."""
    if not isinstance(data, str):
        raise ValueError('data: the observed data as one string in outcome notation ("1NNN 2NTN") or a patient file path')
    with tempfile.TemporaryDirectory(prefix="doseescalation") as d:
        inputs = _inputs(file, dlt, response, design, False, d)
        path = os.path.join(d, "out.json")
        _run(["next"] + inputs + ["--data", data, "--format", "json", "--out", path] + _flags(flags))
        return _read_json(path)


def table(file=None, design=None, **flags):
    """A design's decision table (dose-escalation table)."""
    with tempfile.TemporaryDirectory(prefix="doseescalation") as d:
        inputs = _inputs(file, None, None, design, False, d)
        path = os.path.join(d, "out.csv")
        _run(["table"] + inputs + ["--format", "csv", "--out", path] + _flags(flags))
        return _read_csv(path)


def sweep(grid, **flags):
    """A sweep over a grid (dose-escalation sweep): grid is a path or a dict of the grid file's fields."""
    with tempfile.TemporaryDirectory(prefix="doseescalation") as d:
        if isinstance(grid, dict):
            path = os.path.join(d, "grid.yaml")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(grid, f)
        elif isinstance(grid, str) and os.path.isfile(grid):
            path = grid
        else:
            raise ValueError("grid: a path to an existing sweep grid (YAML) or a dict with its fields")
        out = os.path.join(d, "sweep.csv")
        _run(["sweep", path, "--format", "csv", "--out", out] + _flags(flags))
        return _read_csv(out)
