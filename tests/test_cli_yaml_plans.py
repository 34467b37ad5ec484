"""YAML plans are read in memory close to the document's own (as JSON is): built from the
parser's events, with no graph of nodes first (a 15 MiB plan took 1.5 GB that way), and read
as ``yaml.safe_load`` reads them; anchors, aliases, merge keys, other collection tags and a
second document refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from plex_source_client.cli.planfile import MAX_PLAN_DEPTH, PlanError, _load_yaml, load_document

from .fixed_server import API_TOKEN, run_cli, run_main

MIB = 2**20


#: A ``sitecustomize`` for :func:`run_cli`: at exit, the process writes its peak RSS (VmHWM, in
#: kB) to the file named by ``PEAK_FILE``. The peak of the command itself: the rusage of the
#: process also counts the RSS of the test's process it was forked from (kept across exec).
PEAK_HOOK = """
import atexit, os, re
def _peak():
    with open("/proc/self/status") as status:
        peak = re.search(r"VmHWM:\\s*(\\d+)", status.read())[1]
    with open(os.environ["PEAK_FILE"], "w") as out:
        out.write(peak)
atexit.register(_peak)
"""


def test_a_large_yaml_plan_is_read_in_bounded_memory(tmp_path: Path) -> None:
    """A 1.2 MiB plan of 300,000 short strings: about 47 MiB of peak RSS read as events (the
    interpreter's own 40 included), about 146 MiB through PyYAML's node graph.
    """
    count = 300_000
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "- slug: plex\n  changes: {enabled: true}\n  notes: [" + ", ".join(["ab"] * count) + "]\n"
    )
    assert plan.stat().st_size > MIB
    peak_file = tmp_path / "peak"
    code, out, err, _ = run_cli(
        ["apply", str(plan), "--dry-run"], env={"PEAK_FILE": str(peak_file)}, hook=PEAK_HOOK
    )
    assert code == 2, err  # read whole, then refused: notes is no key of an item
    assert err == (
        "plex-source: invalid: item 1 (plex): notes: unknown key (items have slug and changes)\n"
        "plex-source: nothing was sent\n"
    )
    assert out == ""
    assert API_TOKEN not in out + err
    peak = int(peak_file.read_text()) * 1024
    assert peak < 100 * MIB, peak / MIB


def test_a_valid_yaml_plan_is_read_as_its_json_twin(tmp_path: Path) -> None:
    items = [
        {"slug": f"plex-{n}", "changes": {"name": f"Plex {n}", "enabled": n % 2 == 0,
                                          "allowed_servers": [f"s{n}a", f"s{n}b"]}}
        for n in range(300)
    ]  # fmt: skip
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(items))
    (tmp_path / "plan.json").write_text(json.dumps(items))
    outputs = []
    for name in ("plan.yaml", "plan.json"):
        code, out, err, _ = run_main(["apply", str(tmp_path / name), "--dry-run"])
        assert (code, err) == (0, "")
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert outputs[0].endswith("dry run: 300 requests shown, none sent\n")


DOCUMENTS = [
    "",
    "---\n...\n",
    "- a\n- b: [ ]\n  c: {}\n",
    "a: [1, x, 2.5, null, ~, true, no, 2001-12-14, 2001-12-14t21:59:43.10-05:00, .inf]\n",
    "a: 0x1f\nb: 0o17\nc: 1_000\nd: '1'\ne: \"q\\tx\"\nf: |\n  block\n  lines\ng: >\n  folded\n",
    "a: !!str 1\nb: !!int '7'\nc: !!float 1\nd: !!binary aGk=\ne: ! 12\n",
    "{=: 1, '<<': 2, \"b\": [[], {}]}\n",
    "- slug: plex\n  changes:\n    allowed_servers:\n      - abc\n      - 'def'\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_yaml_reads_as_safe_load(text: str) -> None:
    assert _load_yaml(text, "f") == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<<: {a: 1}\n", "f: line 1: YAML merge keys (<<) are not supported: write each key out"),
        ("a: !!set {x}\n", "f: line 1: the YAML tag tag:yaml.org,2002:set is not supported"),
        ("a: !!omap [b: 1]\n", "f: line 1: the YAML tag tag:yaml.org,2002:omap is not supported"),
        ("a\n---\nb\n", "f: line 2: expected one YAML document, found more (---)"),
        ("? [a]\n: 1\n", "f: line 1: a mapping key must be a plain value, not a list or mapping"),
        ("a: &x 1\n", "f: line 1: YAML anchors and aliases (&name, *name) are not supported"),
        ("a: *x\n", "f: line 1: YAML anchors and aliases"),
    ],
)
def test_what_a_plan_has_no_use_for_is_refused(text: str, message: str) -> None:
    with pytest.raises(PlanError) as refused:
        _load_yaml(text, "f")
    assert refused.value.problems[0].startswith(message)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(("depth", "fine"), [(MAX_PLAN_DEPTH, True), (MAX_PLAN_DEPTH + 1, False)])
def test_nesting_is_bounded_while_reading(depth: int, fine: bool) -> None:
    if fine:
        document: Any = _load_yaml(nested(depth), "f")
        for _ in range(depth - 1):
            [document] = document
        assert document == []
    else:
        with pytest.raises(PlanError, match="nested too deeply"):
            _load_yaml(nested(depth), "f")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "a: =\n",
            "not valid yaml: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:value' (at line 1, column 4)",
        ),
        (
            "a: !foo x\n",
            "not valid yaml: could not determine a constructor for the tag '!foo' (at line 1, "
            "column 4)",
        ),
        ("a: !!int x\n", "line 1: a value tagged int cannot be read as one"),
        (
            "a: [\n",
            "not valid yaml: did not find expected node content (at line 2, column 1), while "
            "parsing a flow node that begins at line 2, column 1",
        ),
    ],
)
def test_a_yaml_error_is_a_plan_error(tmp_path: Path, text: str, words: str) -> None:
    plan = tmp_path / "plan.yml"
    plan.write_text(text)
    with pytest.raises(PlanError) as refused:
        load_document(str(plan))
    [problem] = refused.value.problems
    assert problem.startswith(f"{plan}: {words}"), problem
    assert "\n" not in problem


def test_without_pyyaml_the_error_names_the_yaml_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PyYAML: the one-line error names the package's ``yaml`` extra, which exists."""
    import sys
    import tomllib

    monkeypatch.setitem(sys.modules, "yaml", None)  # import yaml raises ImportError
    with pytest.raises(PlanError) as raised:
        _load_yaml("a: 1\n", "plan.yaml")
    assert raised.value.problems == [
        "plan.yaml: reading YAML needs PyYAML: pip install 'plex-source-client[yaml]' "
        "(or use JSON/TOML)"
    ]
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    assert pyproject["project"]["optional-dependencies"]["yaml"] == ["pyyaml>=6.0"]
