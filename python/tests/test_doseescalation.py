"""The Python module against the tool run directly: the same inputs and seed give the same JSON
and CSV. Tests that run the tool skip only when it cannot be found."""

import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import doseescalation as de  # noqa: E402

needs_tool = pytest.mark.skipif(not de.tool_available(),
                                reason="dose-escalation not found (set_tool, DOSE_ESCALATION or PATH)")


def cli(args):
    proc = subprocess.run([de.tool()] + args, capture_output=True, text=True)
    return proc.returncode, proc.stdout, [l for l in proc.stderr.splitlines() if l.strip()]


def cli_json(args):
    status, out, err = cli(args + ["--format", "json"])
    assert status == 0, err
    return json.loads(out)


def cli_rows(args):
    status, out, err = cli(args + ["--format", "csv"])
    assert status == 0, err
    return [{k: de._number(v) for k, v in row.items()} for row in csv.DictReader(out.splitlines())]


def rows(table):
    """A table as a list of dicts, pandas or not (NaN read as None)."""
    if isinstance(table, list):
        return table
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in table.to_dict("records")]


def same_rows(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert list(x) == list(y)
        for k in x:
            if isinstance(x[k], float) or isinstance(y[k], float):
                assert float(x[k]) == float(y[k]), k
            else:
                assert x[k] == y[k], k


@needs_tool
def test_simulate_equals_the_cli():
    r = de.simulate(dlt=[0.05, 0.1, 0.2], trials=5000, seed=7)
    args = ["simulate", "--dlt", "0.05,0.1,0.2", "--trials", "5000", "--seed", "7"]
    js = cli_json(args)
    assert r.json == js
    same_rows(rows(r.table), cli_rows(args))
    sel = [x for x in rows(r.table) if x["quantity"] == "selection"]
    assert [x["value"] for x in sel] == js["scenarios"][0]["selection"][1:]
    assert [x["dose_label"] for x in sel] == ["DL1", "DL2", "DL3"]
    assert js["trials"] == 5000 and js["seed"] == 7


@needs_tool
def test_tables_are_the_same_with_and_without_pandas(monkeypatch):
    """Both table paths: a pandas DataFrame when pandas imports, else a list of dicts, same values."""
    args = dict(dlt=[0.05, 0.1, 0.2], trials=3000, seed=11)
    first = de.simulate(**args)
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    plain = de.simulate(**args)
    assert isinstance(plain.table, list) and isinstance(plain.table[0], dict)
    assert plain.json == first.json
    same_rows(rows(first.table), plain.table)
    sizes = de.samplesize(dlt=[0.05, 0.1, 0.2], trials=2000, seed=5)
    assert isinstance(sizes.table, list)


@needs_tool
def test_design_options_reach_the_tool():
    r = de.simulate(dlt=[0.05, 0.1, 0.2, 0.4], design={"name": "boin", "extrasafe": True, "cutoff_eli": 0.9},
                    trials=4000, seed=3, max_n=24)
    js = cli_json(["simulate", "--dlt", "0.05,0.1,0.2,0.4", "--design", "boin", "--set", "boin.extrasafe=true",
                   "--set", "boin.cutoff_eli=0.9", "--trials", "4000", "--seed", "3", "--max-n", "24"])
    assert r.json == js
    opts = js["designs"][0]["options"]
    assert opts["extrasafe"] is True and opts["cutoff_eli"] == 0.9 and opts["max_n"] == 24


@needs_tool
def test_exact_equals_the_cli():
    r = de.exact(dlt=[0.05, 0.15, 0.3], design="3+3")
    js = cli_json(["exact", "--dlt", "0.05,0.15,0.3", "--design", "3+3"])
    assert r.json == js
    assert abs(js["scenarios"][0]["total_probability"] - 1) < 1e-12


@needs_tool
def test_compare_with_scenarios_and_a_label_equals_the_cli_on_the_same_file():
    dlt = {"low": [0.05, 0.1, 0.2, 0.3], "high": [0.25, 0.4, 0.5, 0.6]}
    designs = ["3+3", {"name": "boin", "label": "boin-safe", "options": {"extrasafe": True}}, "crm"]
    r = de.compare(dlt=dlt, designs=designs, trials=3000, seed=11)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        json.dump({"trial": {"name": "Python scenario"}, "doses": [{"label": "DL%d" % d} for d in range(1, 5)],
                   "scenarios": [{"name": "low", "dlt": dlt["low"]}, {"name": "high", "dlt": dlt["high"]}],
                   "designs": [{"name": "3+3", "label": "3+3"}, {"name": "boin", "label": "boin-safe", "extrasafe": True},
                               {"name": "crm", "label": "crm"}]}, f)
    args = ["compare", f.name, "--designs", "3+3,boin-safe,crm", "--trials", "3000", "--seed", "11"]
    assert r.json == cli_json(args)
    same_rows(rows(r.table), cli_rows(args))
    os.unlink(f.name)
    assert {x["design"] for x in rows(r.table)} == {"3+3", "boin-safe", "crm", "benchmark"}


@needs_tool
def test_samplesize_13_patients():
    r = de.samplesize(dlt=[0.05, 0.08, 0.12], design="3+3", planned_n=13, non_evaluable=0.1)
    js = cli_json(["samplesize", "--dlt", "0.05,0.08,0.12", "--design", "3+3", "--planned-n", "13",
                   "--non-evaluable", "0.1"])
    assert {k: v for k, v in r.json.items() if k != "markdown"} == js
    assert "Statistical considerations" in r.json["markdown"]
    enrolled = [x for x in rows(r.table) if x["quantity"] == "enrolled_distribution"]
    assert [x["value"] for x in enrolled] == js["scenarios"][0]["enrolled_distribution"]
    assert abs(sum(x["value"] for x in enrolled if x["n"] <= 13) - js["scenarios"][0]["p_enrolled_at_most_planned"]) < 1e-12


@needs_tool
def test_next_table_and_sweep_equal_the_cli():
    nx = de.next("1NNN 2NTN", dlt=[0.05, 0.1, 0.2], design="boin", cohorts_ahead=2)
    assert nx == cli_json(["next", "--dlt", "0.05,0.1,0.2", "--design", "boin", "--data", "1NNN 2NTN",
                           "--cohorts-ahead", "2"])
    assert nx["decision"]["action"] == "treat"
    tb = rows(de.table(design="boin", target=0.25, max_n=12))
    same_rows(tb, cli_rows(["table", "--design", "boin", "--target", "0.25", "--max-n", "12"]))
    assert [x["n"] for x in tb] == [3, 6, 9, 12]
    grid = {"doses": 3, "trials": 2000, "seed": 5, "designs": ["3+3", "boin"],
            "scenarios": [{"name": "middle", "dlt": [0.05, 0.3, 0.5]}], "sample_sizes": [12]}
    sw = rows(de.sweep(grid))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        json.dump(grid, f)
    same_rows(sw, cli_rows(["sweep", f.name]))
    os.unlink(f.name)
    assert [x["max_n"] for x in sw] == [12, 12]


@needs_tool
def test_tool_errors_are_exceptions_with_the_same_message():
    status, _, err = cli(["simulate", "--dlt", "0.05,1.2"])
    assert status == 1 and len(err) == 1
    with pytest.raises(de.DoseEscalationError) as e:
        de.simulate(dlt=[0.05, 1.2])
    assert str(e.value) == err[0] and e.value.status == 1
    status, _, err = cli(["simulate", "--dlt", "0.05,0.1", "--bogus-flag", "3"])
    with pytest.raises(de.DoseEscalationError) as e:
        de.simulate(dlt=[0.05, 0.1], bogus_flag=3)
    assert str(e.value) == err[0] and "--bogus-flag" in err[0]
    with pytest.raises(de.DoseEscalationError, match="takes no option 'bogus'"):
        de.simulate(dlt=[0.05, 0.1], design={"name": "boin", "bogus": 1})
    with pytest.raises(de.DoseEscalationError, match="--desgin"):
        de.next("1NNN", dlt=[0.05, 0.1], desgin="boin")


@needs_tool
def test_tool_warnings_are_python_warnings_once():
    _, _, err = cli(["simulate", "--dlt", "0.2,0.1", "--trials", "1000", "--format", "csv"])
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        de.simulate(dlt=[0.2, 0.1], trials=1000)
    assert [str(w.message) for w in seen] == err
    assert "decrease with dose" in err[0]


def test_bad_python_values_are_refused_before_the_tool_runs():
    with pytest.raises(ValueError, match="set by the doseescalation module"):
        de.simulate(dlt=[0.05, 0.1], format="csv")
    with pytest.raises(ValueError, match="NaN"):
        de.simulate(dlt=[0.05, float("nan")])
    with pytest.raises(ValueError, match="one design"):
        de.simulate(dlt=[0.05, 0.1], design=["boin", "crm"])
    with pytest.raises(ValueError, match="does not exist"):
        de.simulate(file="/nonexistent/scenario.yaml")
    with pytest.raises(ValueError, match="response needs dlt"):
        de.simulate(response=[0.1, 0.2])
    with pytest.raises(ValueError, match="named scenarios need no file"):
        de.simulate(file=__file__, dlt={"a": [0.1, 0.2]})
    with pytest.raises(ValueError, match="grid"):
        de.sweep("/nonexistent/grid.yaml")


def test_the_tool_is_found_by_set_tool_then_the_environment(monkeypatch, tmp_path):
    missing = str(tmp_path / "no-such-dose-escalation")
    de.set_tool(missing)
    try:
        assert not de.tool_available()
        with pytest.raises(de.DoseEscalationError, match="given by set_tool"):
            de.simulate(dlt=[0.05, 0.1])
    finally:
        de.set_tool(None)
    monkeypatch.setenv("DOSE_ESCALATION", missing)
    with pytest.raises(de.DoseEscalationError, match="given by the environment variable DOSE_ESCALATION"):
        de.tool()


@needs_tool
def test_a_named_scenario_keeps_its_name():
    r = de.exact(dlt={"MTD at DL2": [0.08, 0.2, 0.4]}, design="3+3")
    assert r.json["scenarios"][0]["name"] == "MTD at DL2"
    assert {x["scenario"] for x in rows(r.table)} == {"MTD at DL2"}
    assert r.json["scenarios"][0]["selection"] == cli_json(["exact", "--dlt", "0.08,0.2,0.4", "--design", "3+3"])["scenarios"][0]["selection"]


@needs_tool
def test_the_command_names_the_scenario_file_it_wrote_and_its_text_reruns_it(tmp_path):
    dlt = {"low": [0.05, 0.1, 0.2], "high": [0.3, 0.45, 0.6]}
    r = de.exact(dlt=dlt, design={"name": "boin", "label": "b", "cutoff_eli": 0.9})
    assert r.command == ["dose-escalation", "exact", "scenario.yaml", "--design", "b"]
    path = tmp_path / "scenario.yaml"
    path.write_text(r.files["scenario.yaml"])
    assert r.json == cli_json(["exact", str(path), "--design", "b"])
    assert r.json["designs"][0]["options"]["cutoff_eli"] == 0.9
    assert de.exact(dlt=[0.05, 0.1]).files == {}
