"""Generate the sync twins in ``src/pywats/_sync/`` from the async source.

Reads (AST only, nothing is imported) ``src/pywats/client.py`` and every
``src/pywats/domains/<name>.py``. Each ``Async<X>Domain`` class becomes ``<X>Domain`` in
``_sync/<name>.py``; every public ``async def`` becomes a plain method with the same signature
and docstring that runs the coroutine on the owning ``WATS`` instance's background loop.
``AsyncWATS`` becomes ``WATS`` in ``_sync/client.py``.

    python tools/generate_sync.py           # (re)write the files
    python tools/generate_sync.py --check   # exit 1 with a diff when they are stale
"""

from __future__ import annotations

import argparse
import ast
import builtins
import difflib
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "pywats"
DOMAINS = PACKAGE / "domains"
OUT = PACKAGE / "_sync"
OUT_DOMAINS = OUT / "domains"
LOOP_IMPORT = "from pywats._core.loop_thread import LoopThread"


class GenerationError(Exception):
    """The async source does not follow the shape the generator understands."""


@dataclass
class ModuleNames:
    """Where each top-level name of a source module comes from, as an import line."""

    module: str
    imports: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, tree: ast.Module, module: str) -> ModuleNames:
        names = cls(module)
        for node in tree.body:
            names._add(node)
        return names

    def _add(self, node: ast.stmt) -> None:
        if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            for alias in node.names:
                bound = alias.asname or alias.name
                suffix = f" as {alias.asname}" if alias.asname else ""
                self.imports[bound] = f"from {node.module} import {alias.name}{suffix}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]
                suffix = f" as {alias.asname}" if alias.asname else ""
                self.imports[bound] = f"import {alias.name}{suffix}"
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            self.imports[node.name] = f"from {self.module} import {node.name}"
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    self.imports[target.id] = f"from {self.module} import {target.id}"

    def lines_for(self, used: set[str]) -> set[str]:
        return {self.imports[name] for name in used if name in self.imports}


def names_in(nodes: list[ast.AST | None]) -> set[str]:
    """Every bare name referenced by the given expressions."""
    found: set[str] = set()
    for node in nodes:
        if node is not None:
            found |= {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return found


def signature_names(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names used by a function's annotations and defaults."""
    args = func.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    nodes: list[ast.AST | None] = [a.annotation for a in every]
    nodes += [*args.defaults, *args.kw_defaults, func.returns]
    return names_in(nodes)


def forward_call(func: ast.AsyncFunctionDef | ast.FunctionDef, target: str) -> str:
    """Source of a call to ``target`` passing every parameter of ``func`` through."""
    args = func.args
    parts = [a.arg for a in [*args.posonlyargs, *args.args] if a.arg != "self"]
    if args.vararg is not None:
        parts.append(f"*{args.vararg.arg}")
    parts += [f"{a.arg}={a.arg}" for a in args.kwonlyargs]
    if args.kwarg is not None:
        parts.append(f"**{args.kwarg.arg}")
    return f"{target}({', '.join(parts)})"


def public_async_methods(cls: ast.ClassDef) -> list[ast.AsyncFunctionDef]:
    """The class's public coroutine methods, in source order."""
    methods = []
    for node in cls.body:
        if isinstance(node, ast.AsyncFunctionDef) and not node.name.startswith("_"):
            if node.decorator_list:
                raise GenerationError(f"{cls.name}.{node.name}: decorators are not supported")
            methods.append(node)
    return methods


def sync_method(func: ast.AsyncFunctionDef, name: str | None = None) -> str:
    """A plain method with ``func``'s signature and docstring running it on the loop."""
    docstring = ast.get_docstring(func, clean=False)
    body: list[ast.stmt] = []
    if docstring is not None:
        body.append(ast.Expr(ast.Constant(docstring)))
    call = forward_call(func, f"self._async.{func.name}")
    body.append(ast.parse(f"return self._loop.run({call})").body[0])
    node = ast.FunctionDef(
        name=name or func.name,
        args=func.args,
        body=body,
        decorator_list=[],
        returns=func.returns,
        type_comment=None,
    )
    return ast.unparse(ast.fix_missing_locations(node))


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.splitlines())


def header(source: Path, methods: list[ast.AsyncFunctionDef] | None = None) -> str:
    src = REPO / "src"
    relative = source.relative_to(src).as_posix() if source.is_relative_to(src) else source.name
    text = f"# Generated by tools/generate_sync.py from {relative}. Do not edit.\n"
    if methods and any(shadows_builtin(m) for m in methods):
        # Parameter names are copied from the async source, where the builtin-shadowing lint
        # (A002) is already applied or waived; the twin must keep the same names.
        text += "# ruff: noqa: A002\n"
    return text


def shadows_builtin(func: ast.AsyncFunctionDef) -> bool:
    args = func.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    return any(a.arg in vars(builtins) for a in every)


def docstring_literal(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'


def sync_domain_module(path: Path) -> tuple[str, list[str]] | None:
    """Source of ``_sync/<name>.py`` for one domain module, and its sync class names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = f"pywats.domains.{path.stem}"
    names = ModuleNames.read(tree, module)
    classes = [
        node
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and node.name.startswith("Async")
        and node.name.endswith("Domain")
    ]
    if not classes:
        return None
    imports = {"from __future__ import annotations", LOOP_IMPORT}
    blocks = []
    every_method: list[ast.AsyncFunctionDef] = []
    for cls in classes:
        methods = public_async_methods(cls)
        every_method += methods
        used = {cls.name}
        for method in methods:
            used |= signature_names(method)
        imports |= names.lines_for(used)
        blocks.append(sync_domain_class(cls, methods))
    doc = f'"""Sync twins of :mod:`{module}` (generated)."""\n'
    text = (
        header(path, every_method)
        + doc
        + "\n"
        + "\n".join(sorted(imports))
        + "\n\n"
        + "\n\n".join(blocks)
    )
    return text, [cls.name.removeprefix("Async") for cls in classes]


def sync_domain_class(cls: ast.ClassDef, methods: list[ast.AsyncFunctionDef]) -> str:
    sync_name = cls.name.removeprefix("Async")
    doc = f"Blocking twin of :class:`{cls.name}` (generated)."
    source_doc = ast.get_docstring(cls, clean=True)
    if source_doc:
        doc += "\n\n    " + source_doc.replace("\n", "\n    ") + "\n    "
    lines = [
        f"class {sync_name}:",
        indent(docstring_literal(doc)),
        "",
        f"    def __init__(self, async_domain: {cls.name}, loop: LoopThread) -> None:",
        "        self._async = async_domain",
        "        self._loop = loop",
        "",
        "    def __repr__(self) -> str:",
        f'        return "{sync_name}(" + repr(self._async) + ")"',
    ]
    for method in methods:
        lines += ["", indent(sync_method(method))]
    return "\n".join(lines) + "\n"


@dataclass
class DomainAttribute:
    attribute: str
    async_class: str
    sync_module: str
    sync_class: str


def domain_attributes(init: ast.FunctionDef, names: ModuleNames) -> list[DomainAttribute]:
    """``self.<attr> = Async<X>Domain(...)`` assignments in ``AsyncWATS.__init__``."""
    found = []
    for node in ast.walk(init):
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
            continue
        target, func = node.targets[0], node.value.func
        if not (isinstance(target, ast.Attribute) and isinstance(func, ast.Name)):
            continue
        origin = names.imports.get(func.id, "")
        if func.id.endswith("Domain") and origin.startswith("from pywats.domains."):
            module = origin.split()[1].rsplit(".", 1)[1]
            sync_module = f"pywats._sync.domains.{module}"
            found.append(
                DomainAttribute(target.attr, func.id, sync_module, func.id.removeprefix("Async"))
            )
    return found


WATS_TEMPLATE = '''
class WATS:
    {doc}

    def __init__({params}) -> None:
        self._loop = LoopThread()
        try:
            self._async = {construct}
        except BaseException:
            self._loop.close()
            raise
{domains}

    @property
    def base_url(self) -> str:
        """The normalised site root, e.g. ``https://acme.wats.com``."""
        return self._async.base_url

    @property
    def async_client(self) -> AsyncWATS:
        """The underlying :class:`AsyncWATS` (its coroutines belong to this client's loop)."""
        return self._async

    def __repr__(self) -> str:
        return f"WATS(base_url={{self.base_url!r}})"

    def __enter__(self) -> WATS:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool, then stop the background loop and join its thread."""
        if self._loop.closed:
            return
        try:
            self._loop.run(self._async.aclose())
        finally:
            self._loop.close()
'''


def sync_client_module(path: Path) -> str:
    """Source of ``_sync/client.py`` (``WATS``) from ``AsyncWATS`` in ``client.py``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = ModuleNames.read(tree, "pywats.client")
    cls = next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "AsyncWATS"), None
    )
    if cls is None:
        raise GenerationError(f"{path}: no class AsyncWATS")
    init = next(
        (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
    )
    if init is None:
        raise GenerationError("AsyncWATS has no __init__")
    attributes = domain_attributes(init, names)
    imports = {
        "from __future__ import annotations",
        LOOP_IMPORT,
        "from pywats.client import AsyncWATS",
    }
    imports |= names.lines_for(signature_names(init))
    imports |= {f"from {a.sync_module} import {a.sync_class}" for a in attributes}
    doc = (
        "Blocking twin of :class:`AsyncWATS`: each call runs on one background event loop "
        "owned by\n    this instance, so it also works inside Jupyter or a running loop. "
        "Call :meth:`close` (or\n    use ``with``) to stop it.\n\n    "
        + (ast.get_docstring(cls, clean=False) or "").strip()
        + "\n    "
    )
    params = ast.unparse(init.args)
    domains = "\n".join(
        f"        self.{a.attribute} = {a.sync_class}(self._async.{a.attribute}, self._loop)"
        for a in attributes
    )
    body = WATS_TEMPLATE.format(
        doc=docstring_literal(doc),
        params=params,
        construct=forward_call(init, "AsyncWATS"),
        domains=domains,
    )
    extra = [m for m in public_async_methods(cls) if m.name != "aclose"]
    for method in extra:
        imports |= names.lines_for(signature_names(method))
        body += "\n" + indent(sync_method(method)) + "\n"
    doc_line = '"""The blocking client :class:`WATS` (generated from :class:`AsyncWATS`)."""\n'
    return header(path) + doc_line + "\n" + "\n".join(sorted(imports)) + "\n" + body


def package_init(domain_modules: list[str]) -> str:
    listed = "".join(f"\n- ``domains.{m}``" for m in domain_modules)
    return (
        "# Generated by tools/generate_sync.py. Do not edit.\n"
        f'"""Generated blocking twins of the async API.\n\n- ``client.WATS``{listed}\n"""\n'
    )


# Import grouping must not depend on whether the output files exist yet.
FIRST_PARTY = (
    "lint.isort.known-first-party = ['pywats', 'pywats_client', 'pywats_emulator', 'pywats_ui']"
)


def ruff(args: list[str], text: str, filename: Path) -> str:
    command = [sys.executable, "-m", "ruff", *args, "--config", FIRST_PARTY]
    command += ["--stdin-filename", str(filename), "-"]
    done = subprocess.run(command, input=text, capture_output=True, text=True, cwd=REPO)
    if done.returncode not in (0, 1) or not done.stdout:
        raise GenerationError(f"ruff {' '.join(args)} failed on {filename}: {done.stderr}")
    return done.stdout


def tidy(text: str, filename: Path) -> str:
    """Sort imports and format with the project's ruff settings."""
    fixed = ruff(["check", "--select", "I,F401", "--fix-only", "--quiet"], text, filename)
    return ruff(["format", "--quiet"], fixed, filename)


def render() -> dict[Path, str]:
    """Every generated file and its content."""
    files: dict[Path, str] = {}
    domain_modules = []
    for path in sorted(DOMAINS.glob("*.py")):
        if path.name.startswith("_"):
            continue
        generated = sync_domain_module(path)
        if generated is not None:
            files[OUT_DOMAINS / path.name] = generated[0]
            domain_modules.append(path.stem)
    files[OUT / "client.py"] = sync_client_module(PACKAGE / "client.py")
    files[OUT / "__init__.py"] = package_init(domain_modules)
    files[OUT_DOMAINS / "__init__.py"] = (
        "# Generated by tools/generate_sync.py. Do not edit.\n"
        '"""Generated blocking twins of :mod:`pywats.domains`, one module per domain."""\n'
    )
    return {path: tidy(text, path) for path, text in files.items()}


def display_name(path: Path) -> str:
    return path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else path.as_posix()


def existing_files() -> set[Path]:
    return set(OUT.rglob("*.py")) if OUT.is_dir() else set()


def stale(files: dict[Path, str]) -> list[str]:
    """Unified diffs of every file whose content differs (or that should not exist)."""
    diffs = []
    existing = existing_files()
    for path in sorted(existing | set(files)):
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        new = files.get(path, "")
        if old != new:
            name = display_name(path)
            diffs.append(
                "".join(
                    difflib.unified_diff(
                        old.splitlines(keepends=True),
                        new.splitlines(keepends=True),
                        f"{name} (on disk)",
                        f"{name} (generated)",
                    )
                )
            )
    return diffs


def write(files: dict[Path, str]) -> None:
    OUT_DOMAINS.mkdir(parents=True, exist_ok=True)
    for path in existing_files():
        if path not in files:
            path.unlink()
    for path, text in files.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff if stale")
    options = parser.parse_args(argv)
    try:
        files = render()
    except (GenerationError, SyntaxError, OSError) as exc:
        print(f"generate_sync: {exc}", file=sys.stderr)
        return 2
    if options.check:
        diffs = stale(files)
        if diffs:
            print("".join(diffs))
            print("sync twins are stale: run python tools/generate_sync.py", file=sys.stderr)
            return 1
        return 0
    write(files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
