"""Blocks of one module directory + input values -> expanded resource instances.

A ModuleInstance evaluates lazily and memoizes: a local, a resource's reference value or a
child module's outputs are computed the first time something asks for them, with a guard
that turns a reference cycle into Unknown instead of recursing forever.
"""
from __future__ import annotations

import os
from dataclasses import replace

from analyzer import expr as E
from analyzer.addresses import instance_key_suffix
from analyzer.providers.aws import registry_modules
from analyzer.contain import internal_problem
from analyzer.evaluate.expressions import EvalError, NamesOnlyScope, ResourceObject, evaluate, iteration_pairs
from analyzer.evaluate.types import apply_type
from analyzer.evaluate import limits
from analyzer.evaluate.validate import count_problem, for_each_problem, module_problems
from analyzer.evaluate.values import Unknown
from analyzer.load.files import read_modules_manifest
from analyzer.model import Location, Problem, Resource

META_ARGUMENTS = {"count", "for_each", "depends_on", "provider"}
# Functions whose result is made at apply time: a value built with them is not written in code.
GENERATING_FUNCTIONS = {"uuid", "uuidv5", "timestamp", "bcrypt", "plantimestamp", "ephemeralasnull"}
MODULE_META_ARGUMENTS = META_ARGUMENTS | {"providers", "source", "version"}
META_BLOCKS = {"lifecycle", "provisioner", "connection", "precondition", "postcondition"}
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
                 lineage: tuple = ()):
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
        self.files = project.cache.directory(directory)
        self.variables: dict = {}
        self.locals: dict = {}
        self.outputs: dict = {}
        self.resources: dict = {}  # (mode, type, name) -> Block
        self.module_calls: dict = {}
        for parsed in self.files:
            for block in parsed.blocks:
                self._index(block)
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

    def _child_outputs(self, name: str):
        """Output names of the module called ``name`` when its source is on disk, else None."""
        directory, _ = self.module_directory(name, self.module_calls[name])
        if not directory or not os.path.isdir(directory) or registry_modules.is_model_directory(directory):
            return None  # not on disk, or tfattest's partial model of a registry module
        return {b.labels[0] for f in self.project.cache.directory(directory) for b in f.blocks
                if b.type == "output" and b.labels}

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
            self._expansions[id(block)] = self._expand(block, Scope(self))
        return self._expansions[id(block)]

    def _expand(self, block, scope: Scope):
        if "count" in block.attributes:
            attribute = block.attributes["count"]
            count = evaluate(attribute.expr, scope)
            self.report_limits(attribute.location)
            if isinstance(count, Unknown):
                return [(None, {"count": {"index": Unknown("count.index: count is unknown")}}, count)]
            if isinstance(count, str) and count.strip().lstrip("-").isdigit():
                count = int(count)  # Terraform converts "1" to a number
            problem = count_problem(count)
            if problem:
                return self._invalid_expansion(attribute, "count", problem)
            count = int(count)
            if count > limits.MAX_INSTANCES:
                return self._invalid_expansion(attribute, "count", limits.instances_message(count), "limit-exceeded")
            return [(i, {"count": {"index": i}}, True) for i in range(count)]
        if "for_each" in block.attributes:
            attribute = block.attributes["for_each"]
            collection = evaluate(attribute.expr, scope)
            self.report_limits(attribute.location)
            problem = for_each_problem(attribute.expr, collection)
            if problem:
                return self._invalid_expansion(attribute, "for_each", problem)
            if isinstance(collection, Unknown) or _has_unknown_keys(collection):
                unknown = collection if isinstance(collection, Unknown) else Unknown("for_each keys unknown")
                return [(None, {"each": {"key": unknown, "value": unknown}}, unknown)]
            if len(collection) > limits.MAX_INSTANCES:
                return self._invalid_expansion(attribute, "for_each", limits.instances_message(len(collection)),
                                               "limit-exceeded")
            if isinstance(collection, dict):
                return [(k, {"each": {"key": k, "value": collection[k]}}, True) for k in sorted(collection)]
            keys = sorted({str(v) for v in collection if v is not None})
            return [(k, {"each": {"key": k, "value": k}}, True) for k in keys]
        return [(None, {}, True)]

    def report_limits(self, location) -> None:
        """Report the caps hit while evaluating the attribute at ``location`` (limits.BUDGET)."""
        for message in limits.BUDGET.take_hits():
            key = ("limit", message) if "steps" in message else ("limit", location.path, location.start_line, message)
            self.project.report_once(key, Problem(location.path, location.start_line,
                                                  f"{message}; the value is Unknown", "limit-exceeded"))

    def _invalid_expansion(self, attribute, name: str, message: str, kind: str = "validate-error"):
        """Report a count/for_each Terraform rejects (or one over the instance cap) at its line;
        the block then has one instance whose existence and keys are Unknown."""
        location = attribute.location
        why = "terraform validate rejects this; " if kind == "validate-error" else ""
        self.project.report_once((kind, location.path, location.start_line, message), Problem(
            location.path, location.start_line, f"{message} ({why}the instances are Unknown)", kind))
        unknown = Unknown(message)
        if name == "count":
            return [(None, {"count": {"index": unknown}}, unknown)]
        return [(None, {"each": {"key": unknown, "value": unknown}}, unknown)]

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
    def module_directory(self, name: str, block):
        source_attr = block.attributes.get("source")
        source = source_attr.expr.value if source_attr and isinstance(source_attr.expr, E.Literal) else None
        key = f"{self.manifest_key}.{name}" if self.manifest_key else name
        if isinstance(source, str) and source.startswith(("./", "../")):
            return os.path.normpath(os.path.join(self.directory, source)), key
        manifest = self.project.manifest_for(self.root_dir)
        if key in manifest and os.path.isdir(manifest[key]):
            return manifest[key], key
        version_attr = block.attributes.get("version")
        version = version_attr.expr.value if version_attr and isinstance(version_attr.expr, E.Literal) else None
        model = registry_modules.lookup(source, version)
        if model is not None:  # a registry module tfattest has a model of (providers/aws/registry_modules)
            self.project.report_once(("module", self.root_dir, key), Problem(
                block.location.path, block.location.start_line,
                f"module.{name}: source {source!r} is not available locally; judged from tfattest's model of "
                f"{model.source} (major version {'/'.join(map(str, model.majors))}): what the model does not "
                "cover is unknown", "module-missing"))
            return model.directory, key
        self.project.report_once(("module", self.root_dir, key), Problem(
            block.location.path, block.location.start_line,
            f"module.{name}: source {source!r} is not available locally (run `terraform init` to "
            "populate .terraform/modules); its resources are not analyzed and its outputs are unknown",
            "module-missing"))
        return None, key

    def child_modules(self):
        """[(call name, instance key, child ModuleInstance or None, exists)] for every module call."""
        if self._child_list is not None:
            return self._child_list
        result = []
        for name, block in self.module_calls.items():
            directory, manifest_key = self.module_directory(name, block)
            if directory and os.path.normpath(directory) in self.lineage:
                self.project.report_once(("cycle", block.location.path, block.location.start_line), Problem(
                    block.location.path, block.location.start_line,
                    f"module.{name} calls a module that contains this call (source {directory!r}): "
                    "Terraform rejects this cycle; the call is not followed", "parse-error"))
                directory = None
            for instance_key, names, exists in self.expansions(block):
                child = None
                if directory and self.depth >= limits.MAX_MODULE_DEPTH:
                    self.project.report_once(("depth", block.location.path, block.location.start_line), Problem(
                        block.location.path, block.location.start_line,
                        f"module.{name} is nested more than {limits.MAX_MODULE_DEPTH} module calls deep "
                        "(TFATTEST_MAX_MODULE_DEPTH); it is not evaluated and its outputs are Unknown",
                        "limit-exceeded"))
                elif directory:
                    call_scope = Scope(self, names)
                    inputs = {arg: _lazy(attr.expr, call_scope)
                              for arg, attr in block.attributes.items() if arg not in MODULE_META_ARGUMENTS}
                    address = f"module.{name}{instance_key_suffix(instance_key)}"
                    child = ModuleInstance(self.project, directory,
                                           f"{self.address}.{address}" if self.address else address,
                                           manifest_key, self.root_dir, inputs, self.depth + 1,
                                           call_scope, block, self.lineage)
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

    # --- provenance: is a value written in this repository? ---------------------------
    def provenance(self, expression, depth: int = 0, block=None) -> tuple:
        """("code" | "outside" | "unknown", why) for an attribute expression of ``block``."""
        if depth > 8:
            return ("unknown", "too many indirections")
        if any(isinstance(node, E.Call) and node.name in GENERATING_FUNCTIONS for node in E.walk(expression)):
            return ("outside", "generated by a function at apply time")
        answers = [self._reference_provenance(t, depth, block) for t in E.traversals(expression) if t.steps]
        for kind in ("outside", "unknown"):
            for answer in answers:
                if answer[0] == kind:
                    return answer
        return ("code", "; ".join(a[1] for a in answers) or "a literal in the code")

    def _reference_provenance(self, reference, depth: int, block=None) -> tuple:
        first = reference.steps[0].name if isinstance(reference.steps[0], E.GetAttr) else None
        if reference.root == "var" and first:
            if self.call_block is not None and first in self.call_block.attributes:
                kind, why = self.call_scope.module.provenance(self.call_block.attributes[first].expr, depth + 1)
                return (kind, f"var.{first} from the module call: {why}")
            # A literal default is committed with the code even when tfvars override it.
            declaration = self.variables.get(first)
            if declaration is None:
                return ("unknown", f"var.{first} is not declared")
            default = declaration.attributes.get("default")
            if default is None or (isinstance(default.expr, E.Literal) and default.expr.value in (None, "")):
                return ("outside", f"var.{first} has no default (supplied at plan time)")
            kind, why = self.provenance(default.expr, depth + 1)
            return (kind, f"the default of var.{first} is a literal in the code" if kind == "code" else why)
        if reference.root == "local" and first:
            if first not in self.locals:
                return ("unknown", f"local.{first} is not declared")
            kind, why = self.provenance(self.locals[first].expr, depth + 1)
            return (kind, f"local.{first} is a literal in the code" if kind == "code" else why)
        if reference.root == "count":
            return ("code", "count.index")
        if reference.root == "each" and block is not None and "for_each" in block.attributes:
            kind, why = self.provenance(block.attributes["for_each"].expr, depth + 1)
            return (kind, f"each.{first} from for_each: {why}")
        if reference.root == "each":
            return ("unknown", "set from each")
        if reference.root in ("path", "terraform"):
            return ("code", "a constant")
        return ("outside", f"taken from {reference.root}.{first or ''} (not written in the code)")

    def _map_provenance(self, attr: str, expression, block) -> dict:
        """Provenance of a map argument (app_settings, environment variables): the whole map as
        ``attr`` and, for an object written in place, each literal key as ``attr.KEY``, so a
        secret-named setting can be judged apart from its neighbours."""
        found = {attr: self.provenance(expression, block=block)}
        if isinstance(expression, E.ObjectExpr):
            for key_expr, value_expr in expression.items:
                key = _literal_text(key_expr)
                if key is not None:
                    found[f"{attr}.{key}"] = self.provenance(value_expr, block=block)
        return found

    # --- results -----------------------------------------------------------------
    def instances(self, scope_name: str) -> list[Resource]:
        """Every resource and data instance here and in child modules."""
        found: list[Resource] = []
        for key, block in self.resources.items():
            try:
                found.extend(self._block_resources(key, block, scope_name))
            except Exception as err:  # noqa: BLE001 - contained: one block, reported, scan goes on
                self.project.problems.append(internal_problem(
                    err, block.location.path, block.location.start_line, self.address_of(*key)))
        try:
            children = self.child_modules()
        except Exception as err:  # noqa: BLE001
            location = self.files[0].blocks[0].location if self.files and self.files[0].blocks \
                else Location(self.directory, 1, 1)
            self.project.problems.append(internal_problem(err, location.path, location.start_line,
                                                          f"the module calls of {self.address or 'the root module'}"))
            children = []
        for _, _, child, exists in children:
            if child is None:
                continue
            modelled = registry_modules.is_model_directory(child.directory) \
                and not registry_modules.is_model_directory(self.directory)
            for resource in child.instances(scope_name):
                if modelled:  # located at the module call, not in tfattest's model files
                    resource = registry_modules.relocate(resource, child)
                if isinstance(exists, Unknown) and resource.exists is True:
                    resource = _with_exists(resource, exists)
                found.append(resource)
        return found

    def _block_resources(self, key, block, scope_name: str) -> list[Resource]:
        mode, type_name, name = key
        locations, ignored = _attribute_locations(block), _ignored_changes(block)
        provenance: dict = {}
        for nested in block.blocks:  # one level down: "environment.variables" (hard-coded credentials)
            if nested.type in META_BLOCKS or nested.type == "dynamic":
                continue
            for attr, attribute in nested.attributes.items():
                provenance.setdefault(f"{nested.type}.{attr}", self.provenance(attribute.expr, block=block))
        found = []
        for _, values, exists in self.instance_values(key):
            for attr, value in values.items():  # per block: the expressions are the same
                if attr in block.attributes and attr not in provenance and isinstance(value, (str, Unknown)):
                    provenance[attr] = self.provenance(block.attributes[attr].expr, block=block)
                elif attr in block.attributes and attr not in provenance and isinstance(value, dict):
                    provenance.update(self._map_provenance(attr, block.attributes[attr].expr, block))
            found.append(Resource(
                address=values.address, type=type_name, name=name, mode=mode, module_address=self.address,
                values=values, location=block.location, attribute_locations=locations, exists=exists,
                scope=scope_name, provenance=provenance, ignored_changes=ignored))
        return found


def _ignored_changes(block) -> tuple:
    names = []
    for lifecycle in (b for b in block.blocks if b.type == "lifecycle"):
        ignored = lifecycle.attributes.get("ignore_changes")
        if ignored is None:
            continue
        items = ignored.expr.items if isinstance(ignored.expr, E.TupleExpr) else (ignored.expr,)
        for item in items:
            if isinstance(item, E.Literal) and isinstance(item.value, str):
                names.append(item.value)
            elif isinstance(item, E.Traversal):
                names.append(item.root)
    return tuple(names)


def _with_exists(resource: Resource, exists) -> Resource:
    return replace(resource, exists=exists)


def _lazy(expression, scope):
    cache: list = []

    def value():
        if not cache:
            cache.append(evaluate(expression, scope))
        return cache[0]

    return value


def _attribute_locations(block, top: bool = True) -> dict:
    locations: dict[str, Location] = {name: attr.location for name, attr in block.attributes.items()}
    for nested in block.blocks:
        if top and nested.type in META_BLOCKS:
            continue
        name = nested.labels[0] if nested.type == "dynamic" and nested.labels else nested.type
        locations.setdefault(name, nested.location)
        if nested.type == "dynamic":  # its attributes live in the content block
            nested = next((b for b in nested.blocks if b.type == "content"), nested)
        for inner_name, inner in _attribute_locations(nested, top=False).items():
            locations.setdefault(f"{name}.{inner_name}", inner)
    return locations


def _has_unknown_keys(collection) -> bool:
    if isinstance(collection, list):
        return any(isinstance(v, Unknown) for v in collection)
    return False


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


def _literal_text(expression) -> str | None:
    """The text of a literal object key (``KEY = ...`` or ``"KEY" = ...``), else None."""
    if isinstance(expression, E.Literal) and isinstance(expression.value, str):
        return expression.value
    if isinstance(expression, E.Template) and all(isinstance(part, str) for part in expression.parts):
        return "".join(expression.parts)
    if isinstance(expression, E.Traversal) and not expression.steps:
        return expression.root
    return None
