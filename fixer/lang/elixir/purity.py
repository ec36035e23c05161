"""Which parts of an Elixir expression may disappear when a debug call around them is deleted.

The policy, in three kinds of sub-expression:
- pure: no effect and no failure, whatever the data: literals, atoms, variables, module attributes,
  `fn` and `&` captures, containers of pure values (tuples, lists and cons cells `[h | t]`, maps,
  keywords, structs), strings whose interpolations are literals or `inspect(...)`, the
  never-failing operators (`==`, `!=`, `===`, `!==`, `<`, `>`, `<=`, `>=`, `!`, `&&`, `||`,
  `x in [literal list]`, and `and`/`or` whose left side is always a boolean: `x > 1 and x < 5`),
  and the calls in PURE_CALLS: `inspect/1,2`, `self()`, `node()`, `binding()`, the `is_*`
  guards, `max`/`min`, clock reads.
- partial (a read): no effect, but it may raise: every other operator (`+`, `<>`, `++`, `..`,
  `not`, `-x`, `Kernel.+(x, 1)`, ...), Access and field reads (`opts[:k]`, `state.workers`), an
  interpolation of a non-literal (`"#{x}"`), a bitstring built from non-literals, a map update
  `%{m | k: v}`, the standard-library reads in READS (`Map.fetch!`, `length`, `Process.info`,
  `Mix.env`, `System.get_env`, `File.cwd`, ...), any function of the modules in READ_MODULES
  (`String`, `Integer`, `Date`, ...) given no function, and a module-local private function the
  `local` judge infers to do no work. A read that can only raise is not an effect: it may go with
  the deleted call (the caller keeps it only where a `rescue`/`catch` could see it raise). The
  work inside a read (`hd(load())`, `load() + 1`) is reported too, as effects of its own.
- effect: anything else (a call fixer does not know, `send/2`, `Counter.next` without parentheses,
  a `case`, a binding `x = ...`, a pipeline into an unknown call): kept, whole, as a statement of
  its own, in evaluation order. A short-circuit operator (`x && f(x)`, `||`, `and`, `or`) whose
  operands do work is kept whole, never split: its right side runs only sometimes. A bitstring
  with work inside is kept whole.
"""
from __future__ import annotations

import re

from tree_sitter import Node

from fixer.lang.elixir.syntax import Doc, call_arguments, call_name, has_do_block, operator_of, statements

PURE_LEAVES = frozenset({"identifier", "atom", "integer", "float", "boolean", "nil", "char", "alias", "keyword",
                         "quoted_content", "escape_sequence", "comment", "anonymous_function", "quoted_keyword",
                         "quoted_atom", "sigil_name", "sigil_modifiers"})
# Sigils Elixir defines (no runtime work beyond building the value); a custom sigil_X may do anything.
STANDARD_SIGILS = frozenset("sScCwWrRDTNU")
# Building these never fails: only their elements can.
CONTAINERS = frozenset({"list", "tuple", "map", "map_content", "keywords", "pair", "string", "charlist", "struct",
                        "block", "arguments"})
# Operators that never fail, whatever their operands.
TOTAL_OPERATORS = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">=", "!"})
# Their right side runs only sometimes: never split from the left.
SHORT_CIRCUIT = frozenset({"&&", "||", "and", "or"})
# `and`/`or` raise BadBooleanError on a left side that is not a boolean.
STRICT_BOOLEAN = frozenset({"and", "or"})
# Bitstring segment types and modifiers (words in `x::binary-size(4)`), not variables.
SEGMENT_WORDS = frozenset({"binary", "bits", "bitstring", "bytes", "integer", "float", "utf8", "utf16", "utf32",
                           "size", "unit", "big", "little", "native", "signed", "unsigned"})
PURE_CALLS = frozenset({
    "self", "node", "binding", "Kernel.binding", "inspect", "Kernel.inspect",
    "is_atom", "is_binary", "is_bitstring", "is_boolean", "is_float", "is_function", "is_integer", "is_list",
    "is_map", "is_nil", "is_number", "is_pid", "is_port", "is_reference", "is_tuple", "is_struct", "is_exception",
    "System.monotonic_time", "System.system_time", "System.os_time", "DateTime.utc_now", "NaiveDateTime.utc_now",
    "Time.utc_now", "Date.utc_today", ":os.system_time", ":erlang.monotonic_time", ":erlang.system_time",
    "max", "min",
})
INSPECTS = frozenset({"inspect", "Kernel.inspect"})
# Calls known to do no work but to raise on some data (reported, never deleted).
PARTIAL_CALLS = frozenset({
    "hd", "tl", "elem", "div", "rem", "Kernel.hd", "Kernel.tl", "Kernel.elem", "Map.fetch!", "Map.update!",
    "Keyword.fetch!", "Enum.fetch!", "String.to_integer", "String.to_float", "String.to_atom",
    "String.to_existing_atom", "List.to_integer", "binary_part", "Kernel.binary_part", "List.first!",
    "to_string", "Kernel.to_string", "Process.alive?",
    "length", "Kernel.length", "map_size", "tuple_size", "byte_size", "bit_size", "abs", "round", "trunc", "ceil",
    "floor", "Map.get", "Map.keys", "Map.values", "Map.take", "Map.drop", "Map.has_key?", "Map.to_list", "Map.put",
    "Map.delete", "Map.merge", "Map.new", "Keyword.get", "Keyword.keys", "Keyword.values", "Keyword.take",
    "List.first", "List.last", "Tuple.to_list", "String.length", "String.upcase", "String.downcase", "String.trim",
    "String.split", "String.slice", "Integer.to_string", "Atom.to_string", "Float.to_string", "Enum.count",
    "Enum.reverse", "Enum.sort", "Enum.at", "Enum.take", "Enum.join", "Enum.member?",
})
# Standard-library reads: no work a reviewer would keep, but they may raise (on bad data, a missing
# process or variable). Together with PARTIAL_CALLS and READ_MODULES, the table of known-pure calls.
READS = frozenset({
    "Process.info", "Process.whereis", "Process.alive?", "Process.get", "Process.list", "Process.registered",
    "Mix.env", "Mix.target", "Mix.Project.config", "System.get_env", "System.fetch_env", "System.fetch_env!",
    "System.schedulers_online", "System.schedulers", "System.version", "System.otp_release", "System.pid",
    "System.tmp_dir", "System.user_home", "System.find_executable", "System.convert_time_unit",
    "File.cwd", "File.cwd!", "File.exists?", "File.dir?", "File.regular?", "Node.self", "Node.list",
    "Node.alive?", "Application.get_env", "Application.fetch_env", "Application.fetch_env!",
    "Application.get_all_env", "Application.spec", "Application.started_applications", "Logger.level",
    "GenServer.whereis", "Registry.lookup", "Registry.keys", "Exception.message", "Exception.format",
    "Exception.format_stacktrace", "Macro.to_string", "Function.info",
    ":ets.info", ":ets.lookup", ":ets.tab2list", ":ets.whereis", ":erlang.memory", ":erlang.system_info",
    ":erlang.process_info", ":erlang.node", ":persistent_term.get", ":os.getpid", ":os.type",
    "Kernel.struct", "struct", "Kernel.get_in", "get_in", "Kernel.put_in", "put_in", "Kernel.is_map_key",
    "is_map_key", "to_charlist", "Kernel.to_charlist", "Enum.to_list", "Enum.count", "Enum.sum", "Enum.max",
    "Enum.min", "Enum.uniq", "Enum.empty?", "Enum.fetch", "Enum.drop", "Enum.slice", "Enum.zip",
    "Enum.concat", "Enum.with_index", "Enum.frequencies", "Enum.chunk_every", "Enum.random",
    "Enum.shuffle", "Enum.split", "Enum.sort", "Enum.take_random", "Map.fetch", "Map.from_struct",
    "Map.put_new", "Map.split", "Map.pop", "Map.replace!", "Map.equal?", "Keyword.fetch", "Keyword.has_key?",
    "Keyword.put", "Keyword.delete", "Keyword.merge", "Keyword.new", "Keyword.get_values", "Keyword.pop",
    "Keyword.keyword?", "Keyword.drop", "List.flatten", "List.wrap", "List.delete", "List.insert_at",
    "List.duplicate", "List.zip", "List.to_tuple", "List.to_string", "List.keyfind", "List.keymember?",
    "List.keydelete", "List.first", "List.last",
})
# Modules whose functions only compute a value from their arguments (given no function to call).
READ_MODULES = frozenset({"String", "Integer", "Float", "Atom", "Tuple", "Date", "Time", "DateTime",
                          "NaiveDateTime", "Calendar", "Base", "URI", "Path", "Version", "Range", "MapSet",
                          "Bitwise", ":binary", ":lists", ":maps", ":string", ":math", ":crypto"})
# A variable that likely holds a module: `mod.start` is then a call, not a field read.
MODULE_VARIABLE = re.compile(r"(?:^|_)(?:mod|module|impl|adapter|backend|callback|handler|behaviour)s?$")
# A module-local function is judged this deep (a local call inside it, inside that, ...).
LOCAL_DEPTH = 3
# `Kernel.+(x, 1)`: an operator called by name.
KERNEL_OPERATOR = re.compile(r"^Kernel\.[^\w\s]+$")


def impure_parts(nodes: list[Node], doc: Doc, local=None) -> list[tuple[Node, str]]:
    """The sub-expressions of `nodes` that may not simply disappear, in evaluation order, each with
    its kind ("effect", "partial", or "unsure": `mod.start` may be a call or a field read). Pure parts are left out; the work inside a partial part is
    listed after it. An "effect" part is always a whole expression that may stand as a statement
    (never a bitstring segment, map pair or cons fragment), and never holds another listed part.
    A missing node (None: an optional part left out) has none. `local(call node, name, arity)`
    says whether a module-local call does no work ("partial"), or None for an effect."""
    ctx = _Scan(doc, [], local)
    for node in nodes:
        if node is not None:
            _scan(node, ctx)
    return ctx.found


def effects(parts: list[tuple[Node, str]]) -> list[Node]:
    """The parts that do work (kept as statements)."""
    return [node for node, kind in parts if kind == "effect"]


def unsure(parts: list[tuple[Node, str]]) -> list[Node]:
    """The parts that may be a call or a read (`mod.start`): neither kept nor dropped by fixer."""
    return [node for node, kind in parts if kind == "unsure"]


def raising(parts: list[tuple[Node, str]]) -> list[Node]:
    return [node for node, kind in parts if kind == "partial"]


class _Scan:
    __slots__ = ("doc", "found", "local")

    def __init__(self, doc: Doc, found: list[tuple[Node, str]], local):
        self.doc = doc
        self.found = found
        self.local = local

    def add(self, node: Node, kind: str) -> None:
        self.found.append((node, kind))

    def read(self, node: Node, inner: list[Node]) -> None:
        """`node` does no work but may raise; the work inside it (`inner`) is listed after it."""
        self.found.append((node, "partial"))
        for child in inner:
            if child is not None:
                _scan(child, self)


def _scan(node: Node, ctx: _Scan) -> None:
    kind = node.type
    doc = ctx.doc
    if kind in PURE_LEAVES:
        return
    if kind == "sigil":
        name = node.child_by_field_name("name") or next((c for c in node.children if c.type == "sigil_name"), None)
        if name is None or doc.node_text(name) not in STANDARD_SIGILS:
            ctx.add(node, "effect")
            return
        _scan_children(node, ctx)
        return
    if kind == "interpolation":
        # `#{x}` calls String.Chars.to_string: it raises when x has no implementation.
        inner = [c for c in node.named_children if c.type != "comment"]
        if all(c.type in ("string", "integer", "float", "atom", "boolean", "nil", "char") for c in inner):
            return
        if all(c.type == "call" and doc.node_text(c.child_by_field_name("target") or c) in INSPECTS for c in inner):
            _scan_children(node, ctx)  # `#{inspect(v)}`: inspect returns a string
            return
        ctx.read(node, inner)
        return
    if kind == "bitstring":
        _scan_bitstring(node, ctx)
        return
    if kind in CONTAINERS:
        if kind == "map_content" and any(c.type == "binary_operator" and operator_of(c) == "|" for c in node.children):
            ctx.read(node.parent if node.parent is not None else node, node.named_children)  # %{m | k: v}: KeyError
            return
        _scan_children(node, ctx)
        return
    if kind == "unary_operator":
        _scan_unary(node, ctx)
        return
    if kind == "binary_operator":
        _scan_binary(node, ctx)
        return
    if kind == "access_call":  # `opts[:k]`: Access raises on data that is not a map, list or nil
        ctx.read(node, node.named_children)
        return
    if kind == "call":
        _scan_call(node, ctx)
        return
    if kind == "dot":  # `Mod.field`-like reads and `__MODULE__.x` without a call
        _scan_children(node, ctx)
        return
    ctx.add(node, "effect")


def _scan_children(node: Node, ctx: _Scan) -> None:
    for child in node.named_children:
        _scan(child, ctx)


def _scan_unary(node: Node, ctx: _Scan) -> None:
    operator = operator_of(node)
    operand = node.child_by_field_name("operand")
    if operator in ("@", "&"):
        return
    if operator in TOTAL_OPERATORS and operand is not None:
        _scan(operand, ctx)
        return
    ctx.read(node, [operand])  # `-x`, `not x`, `~~~x`, `^x` (a pattern out of place)


def _scan_binary(node: Node, ctx: _Scan) -> None:
    operator = operator_of(node)
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        ctx.add(node, "partial")
        return
    if operator == "=":
        ctx.add(node, "effect")  # a binding: kept whole
        return
    if operator == "|>":
        _scan_pipe(node, left, right, ctx)
        return
    if operator in ("|", "=>"):  # a cons cell `[h | t]` or a map pair `k => v`: building it never fails
        parent = node.parent
        if parent is not None and parent.type in ("list", "map_content"):
            _scan(left, ctx)
            _scan(right, ctx)
            return
        ctx.add(node, "partial")  # out of a container: a fragment fixer does not split
        return
    if operator in SHORT_CIRCUIT:
        _scan_short_circuit(node, operator, left, right, ctx)
        return
    if operator in TOTAL_OPERATORS:
        _scan(left, ctx)
        _scan(right, ctx)
        return
    if operator in ("in", "not in") and right.type == "list" and not impure_parts([right], ctx.doc, ctx.local):
        _scan(left, ctx)  # `x in [1, 2]` expands to comparisons: it never raises
        return
    if operator in ("::", "when", "\\\\", "<-"):
        ctx.add(node, "partial")  # a segment, guard, default or generator out of its place
        return
    if operator in ("+", "-", "*", "/", "**", "<>", "++", "--", "..", "..//", "in", "not in", "=~", "|||", "&&&",
                    "<<<", ">>>", "^^^"):
        ctx.read(node, [left, right])
        return
    ctx.add(node, "effect")  # a custom operator: a call


def _scan_short_circuit(node: Node, operator: str, left: Node, right: Node, ctx: _Scan) -> None:
    """`x && f(x)`: with work on either side, the whole expression stays (its right side runs only
    sometimes); a read on either side makes it a read."""
    inner = impure_parts([left, right], ctx.doc, ctx.local)
    if any(kind in ("effect", "unsure") for _, kind in inner):
        ctx.add(node, "effect")
    elif inner:
        ctx.add(node, "partial")
    elif operator in STRICT_BOOLEAN and not _boolean(left, ctx.doc):
        ctx.add(node, "partial")  # BadBooleanError on a left side that is not a boolean


def _boolean(node: Node, doc: Doc) -> bool:
    """Always a boolean: `true`, a comparison (`x > 1`), `!x`, an `is_*` guard, or `and`/`or` of those."""
    if node.type == "boolean":
        return True
    if node.type == "binary_operator":
        operator = operator_of(node)
        if operator in STRICT_BOOLEAN:
            return _boolean(node.child_by_field_name("left"), doc) and _boolean(node.child_by_field_name("right"), doc)
        return operator in TOTAL_OPERATORS
    if node.type == "unary_operator":
        return operator_of(node) == "!"
    target = node.child_by_field_name("target") if node.type == "call" else None
    return target is not None and doc.node_text(target).startswith("is_") and doc.node_text(target) in PURE_CALLS


def _scan_pipe(node: Node, left: Node, right: Node, ctx: _Scan) -> None:
    """`x |> f(a)` is `f(x, a)`: judged as that call."""
    target = right.child_by_field_name("target") if right.type == "call" else None
    if target is None or has_do_block(right):
        ctx.add(node, "effect")
        return
    _scan_named_call(node, ctx.doc.node_text(target), [left] + call_arguments(right), ctx)


def _scan_bitstring(node: Node, ctx: _Scan) -> None:
    """`<<"ab", 1::8>>` is pure; `<<x::binary>>` raises when x is not a binary; with work inside,
    the whole bitstring stays (the work and the failure together)."""
    doc = ctx.doc
    segments = [c for c in node.named_children if c.type != "comment"]
    values, safe = [], True
    for segment in segments:
        value, spec = segment, None
        if segment.type == "binary_operator" and operator_of(segment) == "::":
            value, spec = segment.child_by_field_name("left"), segment.child_by_field_name("right")
        if value is None or value.type not in ("integer", "char", "string") or impure_parts([value], doc):
            safe = False
        if spec is not None and any(w not in SEGMENT_WORDS for w in re.findall(r"[a-z_]\w*", doc.node_text(spec))):
            safe = False
        values.append(value)
    if safe:
        return
    inner = impure_parts(values, doc, ctx.local)
    ctx.add(node, "effect" if any(kind in ("effect", "unsure") for _, kind in inner) else "partial")


def _scan_call(node: Node, ctx: _Scan) -> None:
    target = node.child_by_field_name("target")
    if has_do_block(node) or target is None:
        ctx.add(node, "effect")
        return
    doc = ctx.doc
    has_arguments = any(c.type == "arguments" for c in node.children)
    if not has_arguments and target.type == "dot":
        left = target.child_by_field_name("left") or target.children[0]
        if left.type in ("alias", "atom") or doc.node_text(left) == "__MODULE__":
            if _read_call(doc.node_text(target), []):
                ctx.add(node, "partial")  # `Mix.env` without parentheses: a read
                return
            ctx.add(node, "effect")  # `Counter.next`: a remote call without parentheses
            return
        # `state.workers` raises KeyError on a map without the key: a read. `mod.start` is a call
        # when `mod` holds a module: a variable named like one makes it "unsure" (for a person).
        if left.type == "identifier" and MODULE_VARIABLE.search(doc.node_text(left)):
            ctx.add(node, "unsure")
            return
        ctx.read(node, [left])
        return
    _scan_named_call(node, doc.node_text(target), call_arguments(node), ctx)


def _scan_named_call(node: Node, name: str, operands: list[Node], ctx: _Scan) -> None:
    """A call of `name` on `operands`: pure when the function is and its operands are; a read when
    fixer knows it does no work (the table, or the local judge); any other call is an effect."""
    if name in PURE_CALLS:
        for operand in operands:
            _scan(operand, ctx)
    elif name in PARTIAL_CALLS or KERNEL_OPERATOR.match(name) or _read_call(name, operands):
        ctx.read(node, operands)
    elif ctx.local is not None and ctx.local(node, name, len(operands)) is not None:
        ctx.read(node, operands)
    else:
        ctx.add(node, "effect")


def _read_call(name: str, operands: list[Node]) -> bool:
    """A standard-library read: in READS, or a function of a READ_MODULES module given no function."""
    if name in READS:
        return True
    module, _, function = name.rpartition(".")
    if module not in READ_MODULES or not function:
        return False
    return not any(o.type == "anonymous_function" or o.type == "unary_operator" and operator_of(o) == "&"
                   for o in operands)


# -- module-local functions ---------------------------------------------------------------------------
IDENTITY_CALLS = frozenset({"IO.inspect", "dbg", "Kernel.dbg"})  # return their item (and are removed)
BRANCHES = frozenset({"if", "unless", "case", "cond"})


class LocalPurity:
    """Infers whether a module-local private function does work: its clauses (a bounded depth of
    local calls deep) hold only reads, bindings and branches over reads. A debug inspect inside one
    counts as the value it returns (the rule removes it). `module_of(node)` gives the module
    (with `.block`, its do block) that holds a node."""

    def __init__(self, doc: Doc, module_of):
        self.doc = doc
        self.module_of = module_of
        self._private: dict[int, dict[tuple[str, int], list[Node]]] = {}
        self._verdicts: dict[tuple[int, str, int], str | None] = {}

    def __call__(self, call: Node, name: str, arity: int) -> str | None:
        """"partial" when the local call `name/arity` at `call` does no work (it may raise), else None."""
        return self._judge(call, name, arity, 0)

    def _judge(self, call: Node, name: str, arity: int, depth: int) -> str | None:
        if "." in name or depth > LOCAL_DEPTH:
            return None
        module = self.module_of(call)
        if module is None:
            return None
        clauses = self._definitions(module.block).get((name, arity))
        if not clauses:
            return None
        key = (module.block.id, name, arity)
        if key not in self._verdicts:
            self._verdicts[key] = None  # a recursive call while judging: assume it does work
            inner = _Nested(self, depth + 1)
            pure = all(not effects(_body_parts(clause, self.doc, inner)) for clause in clauses)
            self._verdicts[key] = "partial" if pure else None
        return self._verdicts[key]

    def _definitions(self, block: Node) -> dict[tuple[str, int], list[Node]]:
        if block.id not in self._private:
            from fixer.lang.elixir.defs import definition_head

            found: dict[tuple[str, int], list[Node]] = {}
            for statement in statements(block):
                if statement.type == "call" and call_name(statement, self.doc) == "defp":
                    head = definition_head(statement, self.doc)
                    if head is not None and head[1] == head[2]:  # defaults make several arities: skip
                        found.setdefault((head[0], head[1]), []).append(statement)
            self._private[block.id] = found
        return self._private[block.id]


class _Nested:
    """The local judge inside a function being judged: one level deeper, and debug inspects pass."""

    def __init__(self, purity: LocalPurity, depth: int):
        self.purity = purity
        self.depth = depth

    def __call__(self, call: Node, name: str, arity: int) -> str | None:
        if name in IDENTITY_CALLS:
            return "partial"
        return self.purity._judge(call, name, arity, self.depth)


def _body_parts(definition: Node, doc: Doc, local) -> list[tuple[Node, str]]:
    """The impure parts of a def clause's body (its head and guard do no work)."""
    from fixer.lang.elixir.names import keyword_options

    block = next((c for c in definition.children if c.type == "do_block"), None)
    if block is not None:
        return _statements_parts(_sections(block), doc, local)
    value = keyword_options(call_arguments(definition)[1:], doc).get("do")
    return _statements_parts([value] if value is not None else [], doc, local)


def _sections(block: Node) -> list[Node]:
    """Every statement of a do block and of its sections (rescue clauses' bodies included)."""
    found = []
    for child in block.named_children:
        if child.type == "comment":
            continue
        if child.type == "stab_clause":
            body = child.child_by_field_name("right")
            found.extend(statements(body) if body is not None else [])
        elif child.type in ("else_block", "after_block", "rescue_block", "catch_block"):
            found.extend(_sections(child))
        else:
            found.append(child)
    return found


def _statements_parts(nodes: list[Node], doc: Doc, local) -> list[tuple[Node, str]]:
    """Parts of statements inside a function: a binding is its right side (a failed match only
    raises), and an if/unless/case/cond is its subject and its branches."""
    found: list[tuple[Node, str]] = []
    for node in nodes:
        if node.type == "block":
            found.extend(_statements_parts(statements(node), doc, local))
        elif node.type == "binary_operator" and operator_of(node) == "=":
            found.append((node, "partial"))
            found.extend(_statements_parts([node.child_by_field_name("right")], doc, local))
        elif node.type == "call" and call_name(node, doc) in BRANCHES:
            block = next((c for c in node.children if c.type == "do_block"), None)
            args = call_arguments(node)
            if block is None and args and args[-1].type == "keywords":
                branches = [p.named_children[-1] for p in args[-1].named_children if p.type == "pair"]
                found.extend(impure_parts(args[:-1], doc, local))
                found.extend(_statements_parts(branches, doc, local))
            else:
                found.extend(impure_parts(args, doc, local))
                found.extend(_statements_parts(_sections(block) if block is not None else [], doc, local))
        else:
            found.extend(impure_parts([node], doc, local))
    return found
