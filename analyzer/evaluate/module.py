"""Blocks of one module directory + input values -> expanded resource instances.

A ModuleInstance indexes one module directory's blocks and evaluates lazily with memos: a
local, a resource's reference value or a child module's outputs are computed the first time
something asks for them, with a guard that turns a reference cycle into Unknown instead of
recursing forever. Its pieces live beside it: where a module call's source is
(load/modules.py), count/for_each (expansion.py), what a name refers to (resolve.py), whether
a value is written in the code (provenance.py) and the Resources rules see (resources.py).
"""
from __future__ import annotations

import os
from dataclasses import replace

from analyzer import expr as E
from analyzer import limits
from analyzer.addresses import instance_key_suffix
from analyzer.evaluate import expansion, resources
from analyzer.evaluate.expressions import EvalError, NamesOnlyScope, ResourceObject, evaluate, iteration_pairs
from analyzer.evaluate.provenance import provenance as value_provenance
from analyzer.evaluate.resources import META_BLOCKS
from analyzer.evaluate.types import apply_type
from analyzer.evaluate.validate import module_problems
from analyzer.load.files import is_override_file, read_modules_manifest
from analyzer.load.modules import ModuleNode, build_module_tree
from analyzer.model import Problem, Resource
from analyzer.providers.aws import registry_modules
from analyzer.values import Unknown

META_ARGUMENTS = {"count", "for_each", "depends_on", "provider"}
MODULE_META_ARGUMENTS = META_ARGUMENTS | {"providers", "source", "version"}
MAX_FILE_READ = 2 * 1024 * 1024


class Project:
    """What every module instance of one scan shares: the parse cache, the readable tree, problems."""

    def __init__(self, cache, scan_root: str):
        self.cache = cache
        self.scan_root = os.path.realpath(scan_root)
        self.problems: list[Problem] = []
        self.validated: set = set()  # module directories checked by evaluate/validate.py
        self._reported: set = set()
        self._manifests: dict = {}

    def manifest_for(self, root_dir: str) -> dict:
        if root_dir not in self._manifests:
            self._manifests[root_dir] = read_modules_manifest(root_dir)
        return self._manifests[root_dir]

    def report_once(self, key, problem: Problem):
        if key not in self._reported:
            self._reported.add(key)
            self.problems.append(problem)


class Scope:
    """Names visible to an expression: the module's, plus count/each/for/dynamic iterators."""

    __slots__ = ("module", "names")

    def __init__(self, module: "ModuleInstance", names: dict | None = None):
        self.module = module
        self.names = names or {}

    def with_names(self, names: dict) -> "Scope":
        return Scope(self.module, {**self.names, **names})

    def resolve_root(self, traversal):
        root, steps = traversal.root, traversal.steps
        if root in self.names:
            return self.names[root], steps
        return self.module.resolve(root, steps, self)

    def read_file(self, path: str) -> str:
        return self.module.read_file(path)

    def file_exists(self, path: str) -> bool:
        try:
            self.module.read_file(path)
        except EvalError:
            return False
        return True


def _first_name(steps, what: str):
    if not steps or not isinstance(steps[0], E.GetAttr):
        raise EvalError(f"{what} needs an attribute name")
    return steps[0].name


class ModuleInstance:
    def __init__(self, project: Project, directory: str, address: str = "", manifest_key: str = "",
                 root_dir: str | None = None, inputs=None, depth: int = 0, call_scope=None, call_block=None,
                 lineage: tuple = (), node: ModuleNode | None = None):
        self.project = project
        self.directory = directory
        self.address = address
        self.manifest_key = manifest_key
        self.root_dir = root_dir or directory
        self.inputs = inputs or {}  # name -> callable returning the evaluated argument
        self.depth = depth
        self.call_scope = call_scope  # the caller's scope, to follow var.* references upward
        self.call_block = call_block
        self.lineage = lineage + (os.path.normpath(directory),)  # module directories up to the root
        # The module tree is loaded before evaluation (load/modules.py); a root builds it.
        self.node = node or build_module_tree(project.cache, directory, project.manifest_for(self.root_dir),
                                              manifest_key, lineage, depth)
        self.files = list(self.node.files)
        for call in self.node.calls.values():
            if call.source.problem is not None:
                project.report_once(call.source.warning_key, call.source.problem)
        self.variables: dict = {}
        self.locals: dict = {}
        self.outputs: dict = {}
        self.resources: dict = {}  # (mode, type, name) -> Block
        self.module_calls: dict = {}
        for parsed in [f for f in self.files if not is_override_file(f.path)]:
            for block in parsed.blocks:
                self._index(block)
        for parsed in [f for f in self.files if is_override_file(f.path)]:
            for block in parsed.blocks:
                self._override(block)
        if os.path.normpath(directory) not in project.validated:
            project.validated.add(os.path.normpath(directory))
            for problem in module_problems(self, self._child_outputs):
                project.report_once(("validate", problem.path, problem.line, problem.message), problem)
        self._memo: dict = {}
        self._busy: set = set()
        self._expansions: dict = {}  # id(block) -> expansions; count/for_each evaluated once
        self._child_list: list | None = None

    def _index(self, block):
        # A name declared twice is a validate error (evaluate/validate.py); the first one counts.
        kind, labels = block.type, block.labels
        if kind == "variable" and labels:
            self.variables.setdefault(labels[0], block)
        elif kind == "locals":
            for name, attribute in block.attributes.items():
                self.locals.setdefault(name, attribute)
        elif kind == "output" and labels:
            self.outputs.setdefault(labels[0], block)
        elif kind == "resource" and len(labels) == 2:
            self.resources.setdefault(("managed", labels[0], labels[1]), block)
        elif kind == "data" and len(labels) == 2:
            self.resources.setdefault(("data", labels[0], labels[1]), block)
        elif kind == "module" and labels:
            self.module_calls.setdefault(labels[0], block)

    def _override(self, block):
        """Terraform's override files (override.tf, *_override.tf) merge into the block they
        name: their attributes replace the original's, their nested block types replace the
        original's blocks of that type. An override of nothing is indexed as it is."""
        kind, labels = block.type, block.labels
        table, key = {"variable": (self.variables, labels[:1]), "output": (self.outputs, labels[:1]),
                      "module": (self.module_calls, labels[:1]),
                      "resource": (self.resources, ("managed", *labels)),
                      "data": (self.resources, ("data", *labels))}.get(kind, (None, None))
        if kind == "locals":
            self.locals.update(block.attributes)
            return
        if table is None or not labels:
            return
        key = key[0] if kind in ("variable", "output", "module") else tuple(key)
        original = table.get(key)
        if original is None:
            self._index(block)
            return
        replaced = {nested.type for nested in block.blocks}
        table[key] = replace(original, attributes={**original.attributes, **block.attributes},
                             blocks=tuple(b for b in original.blocks if b.type not in replaced) + block.blocks)

    def _child_outputs(self, name: str):
        """Output names of the module called ``name`` when its source is on disk, else None."""
        call = self.node.calls[name]
        directory = call.source.directory
        if not directory or not os.path.isdir(directory) or registry_modules.is_model_directory(directory):
            return None  # not on disk, or tfattest's partial model of a registry module
        files = call.child.files if call.child is not None else self.project.cache.directory(directory)
        return {b.labels[0] for f in files for b in f.blocks if b.type == "output" and b.labels}

    # --- memoization with a cycle guard ------------------------------------
    def _memoized(self, key, compute):
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return Unknown(f"reference cycle through {key[0]} {key[-1]}")
        self._busy.add(key)
        try:
            value = compute()
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    # --- name resolution ---------------------------------------------------
    def resolve(self, root, steps, scope):
        if root == "var":
            return self.variable(_first_name(steps, "var")), steps[1:]
        if root == "local":
            name = _first_name(steps, "local")
            if name not in self.locals:
                raise EvalError(f"local.{name} is not declared")
            return self._memoized(("local", name), lambda: evaluate(self.locals[name].expr, Scope(self))), steps[1:]
        if root == "module":
            return self.module_value(_first_name(steps, "module")), steps[1:]
        if root == "data":
            type_name = _first_name(steps, "data")
            name = _first_name(steps[1:], f"data.{type_name}")
            return self.reference_value("data", type_name, name), steps[2:]
        if root == "resource":  # resource.<type>.<name> spells out <type>.<name>
            type_name = _first_name(steps, "resource")
            return self.reference_value("managed", type_name, _first_name(steps[1:], f"resource.{type_name}")), steps[2:]
        if root == "path":
            which = _first_name(steps, "path")
            paths = {"module": self.directory, "root": self.root_dir, "cwd": self.root_dir}
            if which not in paths:
                raise EvalError(f"path.{which} is not defined")
            return paths[which], steps[1:]
        if root == "terraform":
            if _first_name(steps, "terraform") == "workspace":
                return "default", steps[1:]
            raise EvalError("only terraform.workspace is available")
        if root in ("count", "each", "self"):
            raise EvalError(f"{root} is not available here")
        if steps and isinstance(steps[0], E.GetAttr) and ("managed", root, steps[0].name) in self.resources:
            return self.reference_value("managed", root, steps[0].name), steps[1:]
        raise EvalError(f"reference to undeclared {root}")

    def variable(self, name: str):
        block = self.variables.get(name)
        if block is None:
            raise EvalError(f"var.{name} is not declared")
        provider = self.inputs.get(name)
        if provider is not None:
            value = provider()
            if value is None and "default" in block.attributes and _is_false(block, "nullable"):
                value = evaluate(block.attributes["default"].expr, Scope(self))
        elif "default" in block.attributes:
            value = self._memoized(("var-default", name), lambda: evaluate(block.attributes["default"].expr, Scope(self)))
        else:
            qualified = f"{self.address}.var.{name}" if self.address else f"var.{name}"
            return Unknown(f"var.{name} has no value (no default, tfvars or -var)", variable=qualified)
        return _convert_to_declared_type(value, block)

    def read_file(self, path: str) -> str:
        candidate = path if os.path.isabs(path) else os.path.join(self.root_dir, path)
        real = os.path.realpath(candidate)
        note_read = getattr(self.project.cache, "note_read", None)  # incremental scans: a dependency
        if note_read is not None:
            note_read(real)
        if not (real == self.project.scan_root or real.startswith(self.project.scan_root + os.sep)):
            raise EvalError(f"file {path!r} is outside the scanned directory")
        if not os.path.isfile(real):  # a directory, FIFO or device: reading could hang
            raise EvalError(f"file {path!r} is not a regular file")
        try:
            if os.path.getsize(real) > MAX_FILE_READ:
                raise EvalError(f"file {path!r} is too large")
            with open(real, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError) as err:
            raise EvalError(f"cannot read {path!r}: {err}") from None

    # --- expansion (count / for_each) --------------------------------------
    def expansions(self, block):
        """[(key, names, exists)] for a resource or module block, computed once per block."""
        if id(block) not in self._expansions:
            self._expansions[id(block)] = expansion.expand(self, block, Scope(self))
        return self._expansions[id(block)]

    def report_limits(self, location) -> None:
        """Report the caps hit while evaluating the attribute at ``location`` (limits.BUDGET)."""
        expansion.report_limits(self.project, location)

    def instance_values(self, key):
        """[(instance key, ResourceObject of its values, exists)] for one resource block, evaluated
        once: both references to it and the scan's Resources use these values. Unknown while the
        block is being evaluated (a reference cycle)."""
        def compute():
            block = self.resources[key]
            base = self.address_of(*key)
            items = []
            for instance_key, names, exists in self.expansions(block):
                obj = ResourceObject(self.block_values(block, Scope(self, names)))
                obj.address = base + instance_key_suffix(instance_key)
                items.append((instance_key, obj, exists))
            return items

        return self._memoized(key, compute)

    def reference_value(self, mode, type_name, name):
        """What ``aws_x.y`` means in an expression: an object, a list (count) or a map (for_each)."""
        key = (mode, type_name, name)
        if key not in self.resources:
            raise EvalError(f"{'data.' if mode == 'data' else ''}{type_name}.{name} is not declared")
        items = self.instance_values(key)
        if isinstance(items, Unknown):
            return items
        block = self.resources[key]
        if ("count" in block.attributes or "for_each" in block.attributes) \
                and len(items) == 1 and isinstance(items[0][2], Unknown):
            return items[0][2]
        if "count" in block.attributes:
            return [obj for _, obj, _ in items]
        if "for_each" in block.attributes:
            return {k: obj for k, obj, _ in items}
        return items[0][1]

    def address_of(self, mode, type_name, name) -> str:
        local = f"data.{type_name}.{name}" if mode == "data" else f"{type_name}.{name}"
        return f"{self.address}.{local}" if self.address else local

    # --- block bodies -> values ------------------------------------------------
    def block_values(self, block, scope: Scope, top: bool = True) -> dict:
        """Attributes and nested blocks. Meta-arguments and meta blocks (lifecycle, provisioner)
        exist only at the top of a resource: a nested ``lifecycle`` (aws_backup_plan) is data."""
        values: dict = {}
        for name, attribute in block.attributes.items():
            if top and name in META_ARGUMENTS:
                continue
            values[name] = evaluate(attribute.expr, scope)
            if limits.BUDGET.hits:
                self.report_limits(attribute.location)
        for nested in block.blocks:
            if top and nested.type in META_BLOCKS:
                continue
            if nested.type == "dynamic" and nested.labels:
                values.setdefault(nested.labels[0], []).extend(self.dynamic_values(nested, scope))
            else:
                values.setdefault(nested.type, []).append(self.block_values(nested, scope, top=False))
        return values

    def dynamic_values(self, block, scope: Scope) -> list:
        label = block.labels[0]
        iterator = label
        if "iterator" in block.attributes:
            iterator_expr = block.attributes["iterator"].expr
            if isinstance(iterator_expr, E.Traversal):
                iterator = iterator_expr.root
        content = next((b for b in block.blocks if b.type == "content"), None)
        if content is None or "for_each" not in block.attributes:
            return []
        collection = evaluate(block.attributes["for_each"].expr, scope)
        if isinstance(collection, Unknown):
            return [collection]  # rules see an unknown element, never an empty list
        try:
            pairs = iteration_pairs(collection, "dynamic for_each")
        except EvalError as err:
            return [Unknown(str(err))]
        return [self.block_values(content, scope.with_names({iterator: {"key": k, "value": v}}), top=False)
                for k, v in pairs]

    # --- modules ---------------------------------------------------------------
    def child_modules(self):
        """[(call name, instance key, child ModuleInstance or None, exists)] for every module call."""
        if self._child_list is not None:
            return self._child_list
        result = []
        for name, call in self.node.calls.items():
            block, node = call.block, call.child
            where = (block.location.path, block.location.start_line)
            if call.problem is not None and call.problem.kind == "parse-error":  # a cycle
                self.project.report_once(("cycle", *where), call.problem)
            for instance_key, names, exists in self.expansions(block):
                child = None
                if call.problem is not None and call.problem.kind == "limit-exceeded":  # too deep
                    self.project.report_once(("depth", *where), call.problem)
                elif node is not None:
                    call_scope = Scope(self, names)
                    inputs = {arg: _lazy(attr.expr, call_scope)
                              for arg, attr in block.attributes.items() if arg not in MODULE_META_ARGUMENTS}
                    address = f"module.{name}{instance_key_suffix(instance_key)}"
                    child = ModuleInstance(self.project, node.directory,
                                           f"{self.address}.{address}" if self.address else address,
                                           node.manifest_key, self.root_dir, inputs, self.depth + 1,
                                           call_scope, block, self.lineage, node)
                result.append((name, instance_key, child, exists))
        self._child_list = result
        return result

    def module_value(self, name: str):
        if name not in self.module_calls:
            raise EvalError(f"module.{name} is not declared")
        block = self.module_calls[name]
        instances = [(k, c, e) for n, k, c, e in self.child_modules() if n == name]

        def outputs_of(child):
            if child is None:  # every output Unknown: the module source is missing
                missing = ResourceObject()
                missing.address = f"{self.address}.module.{name}" if self.address else f"module.{name}"
                return missing
            obj = ResourceObject({out: child._memoized(("output", out),
                                                       lambda o=out: evaluate(child.outputs[o].attributes["value"].expr, Scope(child))
                                                       if "value" in child.outputs[o].attributes else None)
                                  for out in child.outputs})
            obj.address = child.address
            return obj

        if len(instances) == 1 and isinstance(instances[0][2], Unknown):
            return instances[0][2]
        if "count" in block.attributes:
            return [outputs_of(c) for _, c, _ in instances]
        if "for_each" in block.attributes:
            return {k: outputs_of(c) for k, c, _ in instances}
        return outputs_of(instances[0][1]) if instances else ResourceObject()

    # --- provenance and results (evaluate/provenance.py, evaluate/resources.py) -------------
    def provenance(self, expression, depth: int = 0, block=None) -> tuple:
        """("code" | "outside" | "unknown", why) for an attribute expression of ``block``."""
        return value_provenance(self, expression, depth, block)

    def instances(self, scope_name: str) -> list[Resource]:
        """Every resource and data instance here and in child modules."""
        return resources.instances(self, scope_name)


def _lazy(expression, scope):
    cache: list = []

    def value():
        if not cache:
            cache.append(evaluate(expression, scope))
        return cache[0]

    return value


def _is_false(block, attribute) -> bool:
    attr = block.attributes.get(attribute)
    return attr is not None and isinstance(attr.expr, E.Literal) and attr.expr.value is False


def _convert_to_declared_type(value, block):
    """Apply the variable's ``type`` (primitive conversions, optional() attribute defaults)."""
    type_attr = block.attributes.get("type")
    if type_attr is None:
        return value
    return apply_type(value, type_attr.expr, evaluate_constant)


def evaluate_constant(expression):
    """Evaluate a tfvars value: constants only; any reference becomes Unknown."""
    return evaluate(expression, NamesOnlyScope())
