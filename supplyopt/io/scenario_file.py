"""Read and write scenario files (YAML or JSON, UTF-8) with located validation messages."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Literal

import yaml

from ..model import Problem, Scenario, ScenarioError, parse_scenario
from ..model.data_files import require_road_file

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")


#: The most values a YAML document may expand to, aliases counted at every use. A
#: province-scale scenario (2,000 areas) has about 60,000; a few nested aliases in a
#: few hundred bytes can expand to 10**8 and stall whatever reads the result.
MAX_YAML_VALUES = 2_000_000


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses a repeated key and documents that expand too far."""

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            _check_expansion(node)
        return node


class _TooLargeError(yaml.constructor.ConstructorError):
    """Well-formed YAML that expands beyond :data:`MAX_YAML_VALUES`."""


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose values, aliases expanded, exceed :data:`MAX_YAML_VALUES`.

    PyYAML builds an alias once and shares it, so the document itself is small;
    what blows up is everything that walks it afterwards (validation, copies,
    JSON). The expanded size is counted on the composed nodes, each node's size
    computed once, before anything is constructed.
    """
    size: dict[int, int] = {}
    # Post-order without recursion (a deep document must not overflow the stack).
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if done or not children:
            total = 1 + sum(size[id(child)] for child in children)
            if total > MAX_YAML_VALUES:
                raise _TooLargeError(
                    None,
                    None,
                    f"the document expands to more than {MAX_YAML_VALUES:,} values "
                    "(aliases counted at every use); a scenario has far fewer",
                    node.start_mark,
                )
            size[id(node)] = total
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in size)


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", mark)
        seen[key] = True
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 (PyYAML) reads `1e3` as text; YAML 1.2 and JSON read it as a number, as a
# planner would expect.
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


ScenarioFormat = Literal["yaml", "json"]


def _scenario_format(file: Path) -> ScenarioFormat:
    suffix = file.suffix.lower()
    if suffix not in SCENARIO_SUFFIXES:
        raise ScenarioError(
            [Problem.of_file(f"unsupported extension {file.suffix!r} (use .yaml, .yml or .json)")],
            source=str(file),
        )
    return "json" if suffix == ".json" else "yaml"


def _decode(raw: bytes, *, source: str | None) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(
            [Problem.of_file(f"not UTF-8 text (byte {err.start}: {err.reason})")], source=source
        ) from None


def _loads_scenario_data(
    text: str | bytes, fmt: ScenarioFormat, *, source: str | None = None
) -> Any:
    """Parse the text of a scenario file into plain data without validating it.

    Parameters
    ----------
    text
        The file's text (bytes are decoded as UTF-8).
    fmt
        ``"yaml"`` or ``"json"``.
    source
        Where the text came from, used in the error message.

    Raises
    ------
    ScenarioError
        When the text is not UTF-8, or not well-formed YAML/JSON.
    """
    if isinstance(text, bytes):
        text = _decode(text, source=source)
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            problem = Problem.of_file(
                f"malformed JSON: {err.msg}", line=err.lineno, column=err.colno
            )
            raise ScenarioError([problem], source=source) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as err:
        raise ScenarioError([_yaml_problem(err)], source=source) from None


def loads_scenario(
    text: str | bytes, fmt: ScenarioFormat, *, source: str | None = None
) -> Scenario:
    """Parse and validate the text of a scenario file (YAML or JSON).

    Parameters
    ----------
    text
        The file's text (bytes are decoded as UTF-8).
    fmt
        ``"yaml"`` or ``"json"``.
    source
        Where the text came from, used in the error message.

    Returns
    -------
    Scenario
        The validated scenario. A relative OSM ``roads.file`` is left as
        given (there is no file to be relative to).

    Raises
    ------
    ScenarioError
        With every problem found in the text, each located.
    """
    return parse_scenario(_loads_scenario_data(text, fmt, source=source), source=source)


def load_scenario_data(path: str | os.PathLike[str]) -> Any:
    """Read a scenario file into plain data without validating it.

    Raises
    ------
    ScenarioError
        When the file is missing, not UTF-8, or not well-formed YAML/JSON.
    """
    file = Path(path)
    source = str(file)
    fmt = _scenario_format(file)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem.of_file("no such file")], source=source) from None
    except IsADirectoryError:
        raise ScenarioError(
            [Problem.of_file("is a directory, not a scenario file")], source=source
        ) from None
    return _loads_scenario_data(raw, fmt, source=source)


def _yaml_problem(err: yaml.YAMLError) -> Problem:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    if isinstance(err, _TooLargeError):
        return Problem.of_file(f"refused: {problem}")
    if mark is not None:
        return Problem.of_file(
            f"malformed YAML: {problem}", line=mark.line + 1, column=mark.column + 1
        )
    return Problem.of_file(f"malformed YAML: {problem}")


def read_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file (``.yaml``, ``.yml`` or ``.json``).

    Parameters
    ----------
    path
        The scenario file.

    Returns
    -------
    Scenario
        The validated scenario.

    Raises
    ------
    MissingDataError
        When the OSM extract ``roads.file`` names is not there (a
        :class:`ScenarioError` whose message says the road data is missing).
    ScenarioError
        With every problem found in the file, each located.
    """
    data = load_scenario_data(path)
    _resolve_road_file(data, Path(path).resolve().parent, source=str(path))
    return parse_scenario(data, source=str(path))


def _resolve_road_file(data: Any, base_dir: Path, *, source: str) -> None:
    """Make an OSM ``roads.file`` absolute (it is relative to the scenario file).

    The scenario then plans the same wherever it is copied or written. A
    missing file is refused here with a :class:`MissingDataError`, naming
    every path tried.
    """
    if not isinstance(data, dict):
        return
    roads = data.get("roads")
    if not isinstance(roads, dict) or roads.get("model") != "osm":
        return
    file = roads.get("file")
    if not isinstance(file, str):
        return
    found = require_road_file(file, base_dir, source=source)
    roads["file"] = str(found)


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, in the file format (defaults left out)."""
    return scenario.model_dump(mode="json", by_alias=True, exclude_none=True)


def dumps_scenario(scenario: Scenario, fmt: ScenarioFormat) -> str:
    """The text of a scenario file: YAML or JSON, in the file format's field order.

    Parameters
    ----------
    scenario
        The scenario to write.
    fmt
        ``"yaml"`` or ``"json"``.

    Returns
    -------
    str
        The file's text; names stay as written (Chinese is not escaped), so
        reading it back gives an equal scenario.
    """
    data = scenario_to_data(scenario)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def write_scenario(scenario: Scenario, path: str | os.PathLike[str]) -> None:
    """Write a scenario as YAML or JSON (by extension), atomically, UTF-8."""
    file = Path(path)
    fmt: ScenarioFormat = "json" if file.suffix.lower() == ".json" else "yaml"
    write_text_atomic(file, dumps_scenario(scenario, fmt))


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text so that readers see the old file or the new one, never half."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
