//! strand's bytecode: CPython 3.12-style instructions in 16-bit code units (opcode in
//! the low byte, argument in the high byte, `EXTENDED_ARG` prefixes for larger
//! arguments), with **inline caches**: after every instruction that the specializing
//! interpreter will adapt, a fixed number of `CACHE` code units hold its adaptive
//! counter and its specialization data (type versions, dict-keys versions, indices,
//! pointers). Reserving them now means specialization changes no layout.
//!
//! Jumps are relative, in code units, measured from the end of the jumping instruction
//! (after its caches), forward or backward by opcode, as in CPython 3.12. Exception
//! handling is zero-cost: a per-code exception table maps instruction ranges to
//! handlers (CPython 3.11+'s `co_exceptiontable`), and a line table maps code units to
//! source lines.

macro_rules! opcodes {
    ($( $(#[$m:meta])* $name:ident = $val:literal, cache $cache:literal, $has_arg:literal; )*) => {
        /// An instruction's opcode.
        #[repr(u8)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types)]
        pub enum Op {
            $( $(#[$m])* $name = $val, )*
        }

        impl Op {
            /// The opcode with numeric value `b`, if any.
            pub fn from_u8(b: u8) -> Option<Op> {
                match b {
                    $( $val => Some(Op::$name), )*
                    _ => None,
                }
            }

            /// Number of inline cache code units that follow the instruction.
            pub const fn cache_entries(self) -> usize {
                match self {
                    $( Op::$name => $cache, )*
                }
            }

            /// Whether the argument is meaningful (otherwise it is 0).
            pub const fn has_arg(self) -> bool {
                match self {
                    $( Op::$name => $has_arg, )*
                }
            }

            /// The opcode of each byte value, for the interpreter's fetch. Unassigned
            /// values map to `CACHE`, which is never executed in valid code (the
            /// interpreter raises `SystemError` for it).
            pub const TABLE: [Op; 256] = {
                let mut t = [Op::CACHE; 256];
                $( t[$val] = Op::$name; )*
                t
            };

            /// The number of cache units after each opcode, by byte value.
            pub const CACHES: [u8; 256] = {
                let mut t = [0u8; 256];
                $( t[$val] = $cache; )*
                t
            };

            /// The generic instruction of a specialized one's family (itself for the
            /// others).
            pub const fn generic(self) -> Op {
                match self {
                    Op::LOAD_GLOBAL_MODULE | Op::LOAD_GLOBAL_BUILTIN => Op::LOAD_GLOBAL,
                    Op::LOAD_ATTR_INSTANCE_VALUE
                    | Op::LOAD_ATTR_MODULE
                    | Op::LOAD_ATTR_CLASS
                    | Op::LOAD_ATTR_METHOD_WITH_VALUES
                    | Op::LOAD_ATTR_METHOD_NO_DICT
                    | Op::LOAD_ATTR_SLOT => Op::LOAD_ATTR,
                    Op::STORE_ATTR_INSTANCE_VALUE | Op::STORE_ATTR_SLOT => Op::STORE_ATTR,
                    Op::BINARY_OP_ADD_INT
                    | Op::BINARY_OP_SUBTRACT_INT
                    | Op::BINARY_OP_MULTIPLY_INT
                    | Op::BINARY_OP_ADD_FLOAT
                    | Op::BINARY_OP_SUBTRACT_FLOAT
                    | Op::BINARY_OP_MULTIPLY_FLOAT
                    | Op::BINARY_OP_TRUE_DIVIDE_FLOAT
                    | Op::BINARY_OP_ADD_UNICODE
                    | Op::BINARY_OP_MIXED_FLOAT => Op::BINARY_OP,
                    Op::COMPARE_OP_INT | Op::COMPARE_OP_FLOAT | Op::COMPARE_OP_STR => {
                        Op::COMPARE_OP
                    }
                    Op::BINARY_SUBSCR_LIST_INT
                    | Op::BINARY_SUBSCR_TUPLE_INT
                    | Op::BINARY_SUBSCR_DICT
                    | Op::BINARY_SUBSCR_STR_INT => Op::BINARY_SUBSCR,
                    Op::STORE_SUBSCR_LIST_INT | Op::STORE_SUBSCR_DICT => Op::STORE_SUBSCR,
                    Op::CONTAINS_OP_DICT | Op::CONTAINS_OP_SET => Op::CONTAINS_OP,
                    Op::TO_BOOL_BOOL
                    | Op::TO_BOOL_INT
                    | Op::TO_BOOL_LIST
                    | Op::TO_BOOL_NONE
                    | Op::TO_BOOL_STR
                    | Op::TO_BOOL_ALWAYS_TRUE => Op::TO_BOOL,
                    Op::UNPACK_SEQUENCE_TWO_TUPLE
                    | Op::UNPACK_SEQUENCE_TUPLE
                    | Op::UNPACK_SEQUENCE_LIST => Op::UNPACK_SEQUENCE,
                    Op::FOR_ITER_RANGE | Op::FOR_ITER_LIST | Op::FOR_ITER_TUPLE => Op::FOR_ITER,
                    Op::CALL_PY_EXACT_ARGS
                    | Op::CALL_PY_GENERAL
                    | Op::CALL_BOUND_METHOD_EXACT_ARGS
                    | Op::CALL_BUILTIN_FAST
                    | Op::CALL_METHOD_DESCRIPTOR_FAST
                    | Op::CALL_LEN
                    | Op::CALL_ISINSTANCE
                    | Op::CALL_TYPE_1
                    | Op::CALL_STR_1
                    | Op::CALL_TUPLE_1
                    | Op::CALL_LIST_APPEND
                    | Op::CALL_BUILTIN_CLASS
                    | Op::CALL_ALLOC_AND_ENTER_INIT => Op::CALL,
                    other => other,
                }
            }

            /// CPython's name of the instruction.
            pub fn name(self) -> &'static str {
                match self {
                    $( Op::$name => stringify!($name), )*
                }
            }
        }
    };
}

opcodes! {
    /// An inline cache unit (never executed).
    CACHE = 0, cache 0, false;
    /// Does nothing.
    NOP = 1, cache 0, false;
    /// Pops TOS.
    POP_TOP = 2, cache 0, false;
    /// Pushes a null (the "no self" marker before a callable).
    PUSH_NULL = 3, cache 0, false;
    /// Pushes a copy of the `arg`-th item (1 = TOS).
    COPY = 4, cache 0, true;
    /// Swaps TOS with the `arg`-th item.
    SWAP = 5, cache 0, true;
    /// Pushes `co_consts[arg]`.
    LOAD_CONST = 6, cache 0, true;
    /// Returns TOS.
    RETURN_VALUE = 7, cache 0, false;
    /// Returns `co_consts[arg]`.
    RETURN_CONST = 8, cache 0, true;
    /// Pushes fast local `arg`.
    LOAD_FAST = 9, cache 0, true;
    /// Pushes fast local `arg`, raising UnboundLocalError if unset.
    LOAD_FAST_CHECK = 10, cache 0, true;
    /// Stores TOS into fast local `arg`.
    STORE_FAST = 11, cache 0, true;
    /// Deletes fast local `arg`.
    DELETE_FAST = 12, cache 0, true;
    /// Pushes the contents of cell `arg` (index into locals-plus).
    LOAD_DEREF = 13, cache 0, true;
    /// Stores TOS into cell `arg`.
    STORE_DEREF = 14, cache 0, true;
    /// Empties cell `arg`.
    DELETE_DEREF = 15, cache 0, true;
    /// Pushes cell `arg` itself (to build a closure).
    LOAD_CLOSURE = 16, cache 0, true;
    /// Replaces local `arg` by a new cell holding its value.
    MAKE_CELL = 17, cache 0, true;
    /// Copies the function's `arg` closure cells into the frame.
    COPY_FREE_VARS = 18, cache 0, true;
    /// Class bodies: the name from the frame's locals mapping, else from cell `arg`.
    LOAD_FROM_DICT_OR_DEREF = 19, cache 0, true;
    /// Pushes global `co_names[arg >> 1]` (with a null first if `arg & 1`).
    LOAD_GLOBAL = 20, cache 6, true;
    /// Stores TOS into global `co_names[arg]`.
    STORE_GLOBAL = 21, cache 0, true;
    /// Deletes global `co_names[arg]`.
    DELETE_GLOBAL = 22, cache 0, true;
    /// Pushes name `co_names[arg]` from locals, globals, builtins.
    LOAD_NAME = 23, cache 0, true;
    /// Stores TOS into the locals mapping.
    STORE_NAME = 24, cache 0, true;
    /// Deletes a name from the locals mapping.
    DELETE_NAME = 25, cache 0, true;
    /// `TOS.co_names[arg >> 1]`; if `arg & 1`, pushes `method, self` or `null, attr`.
    LOAD_ATTR = 26, cache 38, true;
    /// `TOS.name = TOS1`.
    STORE_ATTR = 27, cache 22, true;
    /// `del TOS.name`.
    DELETE_ATTR = 28, cache 0, true;
    /// Binary operator `arg` (see [`BinaryOpArg`]) on TOS1, TOS.
    BINARY_OP = 29, cache 1, true;
    /// `-TOS`.
    UNARY_NEGATIVE = 30, cache 0, false;
    /// `not TOS` (TOS is a bool after TO_BOOL).
    UNARY_NOT = 31, cache 0, false;
    /// `~TOS`.
    UNARY_INVERT = 32, cache 0, false;
    /// `+TOS`.
    UNARY_POSITIVE = 33, cache 0, false;
    /// Converts TOS to a bool.
    TO_BOOL = 34, cache 3, false;
    /// Rich comparison `arg >> 4` (0 `<` ... 5 `>=`); bit 4: convert the result to bool.
    COMPARE_OP = 35, cache 1, true;
    /// `TOS1 is TOS` (`is not` if `arg`).
    IS_OP = 36, cache 0, true;
    /// `TOS1 in TOS` (`not in` if `arg`).
    CONTAINS_OP = 37, cache 1, true;
    /// `TOS1[TOS]`.
    BINARY_SUBSCR = 38, cache 1, false;
    /// `TOS1[TOS] = TOS2`.
    STORE_SUBSCR = 39, cache 1, false;
    /// `del TOS1[TOS]`.
    DELETE_SUBSCR = 40, cache 0, false;
    /// `slice(...)` of the top `arg` (2 or 3) items.
    BUILD_SLICE = 41, cache 0, true;
    /// Tuple of the top `arg` items.
    BUILD_TUPLE = 42, cache 0, true;
    /// List of the top `arg` items.
    BUILD_LIST = 43, cache 0, true;
    /// Set of the top `arg` items.
    BUILD_SET = 44, cache 0, true;
    /// Dict of the top `2 * arg` items (key, value pairs).
    BUILD_MAP = 45, cache 0, true;
    /// Dict from `arg` values and a tuple of keys on top.
    BUILD_CONST_KEY_MAP = 46, cache 0, true;
    /// Concatenation of the top `arg` strs.
    BUILD_STRING = 47, cache 0, true;
    /// `list.append(STACK[-arg], TOS)` (comprehensions).
    LIST_APPEND = 48, cache 0, true;
    /// `set.add(STACK[-arg], TOS)`.
    SET_ADD = 49, cache 0, true;
    /// `dict[STACK[-arg]][TOS1] = TOS`.
    MAP_ADD = 50, cache 0, true;
    /// `list.extend(STACK[-arg], TOS)`.
    LIST_EXTEND = 51, cache 0, true;
    /// `set.update(STACK[-arg], TOS)`.
    SET_UPDATE = 52, cache 0, true;
    /// `dict.update(STACK[-arg], TOS)`.
    DICT_UPDATE = 53, cache 0, true;
    /// Like DICT_UPDATE, but duplicate keys are an error (`**` in calls).
    DICT_MERGE = 54, cache 0, true;
    /// Converts the list on top to a tuple.
    LIST_TO_TUPLE = 55, cache 0, false;
    /// f-string field: conversion `arg & 3` (0 none, 1 str, 2 repr, 3 ascii); spec on
    /// the stack if `arg & 4`.
    FORMAT_VALUE = 56, cache 0, true;
    /// Unpacks TOS into `arg` items.
    UNPACK_SEQUENCE = 57, cache 1, true;
    /// Starred unpacking: `arg & 0xff` before the star, `arg >> 8` after.
    UNPACK_EX = 58, cache 0, true;
    /// Jumps forward by `arg`.
    JUMP_FORWARD = 59, cache 0, true;
    /// Jumps backward by `arg` (a safe point: checks the eval breaker). Its cache
    /// counts down to the loop becoming hot (the JIT records it then).
    JUMP_BACKWARD = 60, cache 1, true;
    /// Pops TOS (a bool) and jumps forward by `arg` if false.
    POP_JUMP_IF_FALSE = 61, cache 0, true;
    /// Pops TOS (a bool) and jumps forward by `arg` if true.
    POP_JUMP_IF_TRUE = 62, cache 0, true;
    /// Pops TOS and jumps forward by `arg` if it is None.
    POP_JUMP_IF_NONE = 63, cache 0, true;
    /// Pops TOS and jumps forward by `arg` if it is not None.
    POP_JUMP_IF_NOT_NONE = 64, cache 0, true;
    /// `iter(TOS)`.
    GET_ITER = 65, cache 0, false;
    /// Pushes `next(TOS)`, or jumps forward by `arg` (past END_FOR) when exhausted.
    FOR_ITER = 66, cache 1, true;
    /// Pops the exhausted iterator (and the pushed value slot).
    END_FOR = 67, cache 0, false;
    /// Makes a function from the code object on top; `arg` flags: 1 defaults, 2
    /// keyword defaults, 4 annotations, 8 closure.
    MAKE_FUNCTION = 68, cache 0, true;
    /// Calls with `arg` arguments (the last ones named by a preceding KW_NAMES). Below
    /// the arguments: `NULL, callable` for a plain call, or `method, self` for a method
    /// call (`self` becomes the first argument).
    CALL = 69, cache 3, true;
    /// Names the keyword arguments of the next CALL (`co_consts[arg]`, a tuple).
    KW_NAMES = 70, cache 0, true;
    /// Calls with an args tuple and (if `arg & 1`) a kwargs dict.
    CALL_FUNCTION_EX = 71, cache 0, true;
    /// Pushes `__build_class__`.
    LOAD_BUILD_CLASS = 72, cache 0, false;
    /// `raise` (0), `raise exc` (1), `raise exc from cause` (2).
    RAISE_VARARGS = 73, cache 0, true;
    /// Re-raises TOS (with `f_lasti` restored if `arg`).
    RERAISE = 74, cache 0, true;
    /// Pushes the current exception below the raised one (handler entry).
    PUSH_EXC_INFO = 75, cache 0, false;
    /// Restores the previous current exception.
    POP_EXCEPT = 76, cache 0, false;
    /// `isinstance(TOS1, TOS)` for `except T:`; pops TOS, pushes the bool.
    CHECK_EXC_MATCH = 77, cache 0, false;
    /// Calls `__exit__` with the exception (with-statement handler).
    WITH_EXCEPT_START = 78, cache 0, false;
    /// Pushes `__exit__` and the result of `__enter__()`.
    BEFORE_WITH = 79, cache 0, false;
    /// Pushes AssertionError.
    LOAD_ASSERTION_ERROR = 80, cache 0, false;
    /// Starts a generator frame (first instruction of generator code).
    RETURN_GENERATOR = 81, cache 0, false;
    /// Yields TOS.
    YIELD_VALUE = 82, cache 0, true;
    /// Function start / after yield: a safe point.
    RESUME = 83, cache 0, true;
    /// `yield from`/`await`: sends TOS into TOS1; jumps forward by `arg` when done.
    SEND = 84, cache 1, true;
    /// `iter()` for `yield from` (generators pass through).
    GET_YIELD_FROM_ITER = 85, cache 0, false;
    /// Pops the sub-iterator after SEND completes.
    END_SEND = 86, cache 0, false;
    /// Cleans up after `throw()` into a `yield from`.
    CLEANUP_THROW = 87, cache 0, false;
    /// `import co_names[arg]` (level and fromlist on the stack).
    IMPORT_NAME = 88, cache 0, true;
    /// `from module import co_names[arg]`.
    IMPORT_FROM = 89, cache 0, true;
    /// `from module import *`.
    IMPORT_STAR = 90, cache 0, false;
    /// Creates `__annotations__` in a module or class namespace.
    SETUP_ANNOTATIONS = 91, cache 0, false;
    /// `super().attr`: TOS2 super, TOS1 class, TOS self.
    LOAD_SUPER_ATTR = 92, cache 1, true;
    /// Pushes `len(TOS)` (pattern matching).
    GET_LEN = 93, cache 0, false;
    /// `await`: `__await__` iterator of TOS. `arg` names where the awaitable came
    /// from, for the error message: 0 an `await` expression, 1 `__aenter__`, 2
    /// `__aexit__`.
    GET_AWAITABLE = 94, cache 0, true;
    /// Interactive mode: passes TOS to `sys.displayhook` and pops it.
    PRINT_EXPR = 95, cache 0, false;
    /// Pushes fast local `arg` without counting the reference (CPython 3.14): the
    /// compiler proved that the local keeps its value until the pushed reference is
    /// consumed (see `codegen/borrow.rs`).
    LOAD_FAST_BORROW = 96, cache 0, true;
    /// `async for`: replaces TOS with its asynchronous iterator (`type(TOS).__aiter__`),
    /// which must have `__anext__`.
    GET_AITER = 97, cache 0, false;
    /// `async for`: pushes the awaitable of `TOS.__anext__()` (keeps TOS).
    GET_ANEXT = 98, cache 0, false;
    /// The handler of an `async for` step: TOS the exception, TOS1 the asynchronous
    /// iterator. `StopAsyncIteration` pops both (the loop is over); anything else is
    /// re-raised.
    END_ASYNC_FOR = 99, cache 0, false;
    /// `async with`: replaces the manager on top with its bound `__aexit__` and pushes
    /// what `__aenter__()` returned (to be awaited).
    BEFORE_ASYNC_WITH = 100, cache 0, false;
    /// An async generator's `yield`: wraps TOS so that the async generator's
    /// awaitables tell its own yields from what an `await` inside it yields.
    ASYNC_GEN_WRAP = 101, cache 0, false;
    /// Pushes fast local `arg >> 4`, then fast local `arg & 15` (CPython 3.13's
    /// superinstruction; see `codegen/superinstr.rs` for when the compiler fuses).
    LOAD_FAST_LOAD_FAST = 102, cache 0, true;
    /// `LOAD_FAST_BORROW arg >> 4` then `LOAD_FAST_BORROW arg & 15` (CPython 3.14).
    LOAD_FAST_BORROW_LOAD_FAST_BORROW = 103, cache 0, true;
    /// `STORE_FAST arg >> 4` then `LOAD_FAST arg & 15` (CPython 3.13).
    STORE_FAST_LOAD_FAST = 104, cache 0, true;
    /// `STORE_FAST arg >> 4` then `LOAD_FAST_BORROW arg & 15`.
    STORE_FAST_LOAD_FAST_BORROW = 105, cache 0, true;
    /// `STORE_FAST arg >> 4` then `STORE_FAST arg & 15`: TOS goes to the first
    /// local, the item below it to the second (CPython 3.13).
    STORE_FAST_STORE_FAST = 106, cache 0, true;
    /// Pushes whether TOS is a mapping for pattern matching (keeps TOS).
    MATCH_MAPPING = 120, cache 0, false;
    /// Pushes whether TOS is a sequence for pattern matching (not str, bytes,
    /// bytearray; keeps TOS).
    MATCH_SEQUENCE = 121, cache 0, false;
    /// TOS a tuple of keys, TOS1 a mapping: pushes the tuple of their values, or
    /// None if a key is missing (keeps both).
    MATCH_KEYS = 122, cache 0, false;
    /// TOS a tuple of attribute names, TOS1 a class, TOS2 the subject: replaces the
    /// three with the tuple of `arg` positional then the named attributes, or None.
    MATCH_CLASS = 123, cache 0, true;
    /// TOS a tuple of keys, TOS1 a mapping: replaces TOS with a dict of the mapping
    /// without those keys (`**rest`).
    COPY_DICT_WITHOUT_KEYS = 124, cache 0, false;
    /// `except* T`: TOS the type, TOS1 the exception left to match: replaces them with
    /// the unmatched rest and the matching part (or None), which becomes the handled
    /// exception.
    CHECK_EG_MATCH = 125, cache 0, false;
    /// TOS the list of exceptions raised in or left over by `except*` clauses, TOS1
    /// the original exception: replaces them with the exception to re-raise, or None.
    PREP_RERAISE_STAR = 126, cache 0, false;
    // Specialized forms (CPython's instruction families, Python/specialize.c). They
    // appear only in threads' copies of the bytecode, written by the specializer over
    // their family's generic instruction, with the same argument and cache size.
    /// LOAD_GLOBAL of a name in the globals dict: cached keys version and index.
    LOAD_GLOBAL_MODULE = 160, cache 6, true;
    /// LOAD_GLOBAL of a builtin: globals keys version (name absent), builtins keys
    /// version and index.
    LOAD_GLOBAL_BUILTIN = 161, cache 6, true;
    /// LOAD_ATTR of an instance attribute kept in a split instance dict: cached type
    /// version, shared keys version and index.
    LOAD_ATTR_INSTANCE_VALUE = 162, cache 38, true;
    /// LOAD_ATTR of a module attribute: cached module dict keys version and index.
    LOAD_ATTR_MODULE = 163, cache 38, true;
    /// LOAD_ATTR of a class attribute read through the class: cached class version and
    /// the attribute.
    LOAD_ATTR_CLASS = 164, cache 38, true;
    /// LOAD_ATTR method form, a function on the type not shadowed by the instance dict:
    /// cached type version, the instance's shared keys version and the function.
    LOAD_ATTR_METHOD_WITH_VALUES = 165, cache 38, true;
    /// LOAD_ATTR method form on an instance without a dict: cached type version and the
    /// function or method descriptor.
    LOAD_ATTR_METHOD_NO_DICT = 166, cache 38, true;
    /// STORE_ATTR replacing an instance attribute in a split instance dict: cached type
    /// version, shared keys version and index.
    STORE_ATTR_INSTANCE_VALUE = 167, cache 22, true;
    /// LOAD_ATTR of a `__slots__` member: cached type version and slot offset.
    LOAD_ATTR_SLOT = 168, cache 38, true;
    /// STORE_ATTR of a `__slots__` member: cached type version and slot offset.
    STORE_ATTR_SLOT = 169, cache 22, true;
    /// BINARY_OP `+` of two exact ints.
    BINARY_OP_ADD_INT = 170, cache 1, true;
    /// BINARY_OP `-` of two exact ints.
    BINARY_OP_SUBTRACT_INT = 171, cache 1, true;
    /// BINARY_OP `*` of two exact ints.
    BINARY_OP_MULTIPLY_INT = 172, cache 1, true;
    /// BINARY_OP `+` of two exact floats.
    BINARY_OP_ADD_FLOAT = 173, cache 1, true;
    /// BINARY_OP `-` of two exact floats.
    BINARY_OP_SUBTRACT_FLOAT = 174, cache 1, true;
    /// BINARY_OP `*` of two exact floats.
    BINARY_OP_MULTIPLY_FLOAT = 175, cache 1, true;
    /// BINARY_OP `/` of two exact floats (a divisor of zero deoptimizes).
    BINARY_OP_TRUE_DIVIDE_FLOAT = 176, cache 1, true;
    /// BINARY_OP `+` (or `+=`) of two exact strs.
    BINARY_OP_ADD_UNICODE = 177, cache 1, true;
    /// BINARY_OP of an exact int and an exact float, or a float and an int, for the
    /// arithmetic operators (the int converts to a float exactly).
    BINARY_OP_MIXED_FLOAT = 178, cache 1, true;
    /// COMPARE_OP of two exact ints.
    COMPARE_OP_INT = 180, cache 1, true;
    /// COMPARE_OP of two exact floats.
    COMPARE_OP_FLOAT = 181, cache 1, true;
    /// COMPARE_OP `==`/`!=` of two exact strs.
    COMPARE_OP_STR = 182, cache 1, true;
    /// `list[int]`.
    BINARY_SUBSCR_LIST_INT = 185, cache 1, false;
    /// `tuple[int]`.
    BINARY_SUBSCR_TUPLE_INT = 186, cache 1, false;
    /// `dict[key]` of an exact dict.
    BINARY_SUBSCR_DICT = 187, cache 1, false;
    /// `str[int]`.
    BINARY_SUBSCR_STR_INT = 188, cache 1, false;
    /// `list[int] = v`.
    STORE_SUBSCR_LIST_INT = 190, cache 1, false;
    /// `dict[key] = v` of an exact dict.
    STORE_SUBSCR_DICT = 191, cache 1, false;
    /// `key in dict` of an exact dict.
    CONTAINS_OP_DICT = 192, cache 1, true;
    /// `key in set` of an exact set or frozenset.
    CONTAINS_OP_SET = 193, cache 1, true;
    /// TO_BOOL of a bool (nothing to do).
    TO_BOOL_BOOL = 195, cache 3, false;
    /// TO_BOOL of an exact int.
    TO_BOOL_INT = 196, cache 3, false;
    /// TO_BOOL of an exact list.
    TO_BOOL_LIST = 197, cache 3, false;
    /// TO_BOOL of None.
    TO_BOOL_NONE = 198, cache 3, false;
    /// TO_BOOL of an exact str.
    TO_BOOL_STR = 199, cache 3, false;
    /// TO_BOOL of an instance of a type without `__bool__` or `__len__`: True
    /// (cached type version).
    TO_BOOL_ALWAYS_TRUE = 200, cache 3, false;
    /// UNPACK_SEQUENCE of an exact tuple of two.
    UNPACK_SEQUENCE_TWO_TUPLE = 202, cache 1, true;
    /// UNPACK_SEQUENCE of an exact tuple.
    UNPACK_SEQUENCE_TUPLE = 203, cache 1, true;
    /// UNPACK_SEQUENCE of an exact list.
    UNPACK_SEQUENCE_LIST = 204, cache 1, true;
    /// FOR_ITER over a `range` iterator.
    FOR_ITER_RANGE = 206, cache 1, true;
    /// FOR_ITER over a list iterator.
    FOR_ITER_LIST = 207, cache 1, true;
    /// FOR_ITER over a tuple iterator.
    FOR_ITER_TUPLE = 208, cache 1, true;
    /// CALL of a Python function whose parameters the arguments fill one-to-one
    /// (cached function version).
    CALL_PY_EXACT_ARGS = 212, cache 3, true;
    /// CALL of a Python function, any arguments (bound to its parameters in place;
    /// cached function version).
    CALL_PY_GENERAL = 213, cache 3, true;
    /// CALL of a bound method object wrapping a Python function whose parameters the
    /// arguments (with `self`) fill one-to-one (cached function version).
    CALL_BOUND_METHOD_EXACT_ARGS = 214, cache 3, true;
    /// CALL of a builtin function: its native entry point straight away (strand's
    /// native functions share one calling convention, so CPython's `CALL_BUILTIN_O`,
    /// `_FAST` and `_FAST_WITH_KEYWORDS` are this one form).
    CALL_BUILTIN_FAST = 215, cache 3, true;
    /// CALL of a method descriptor of a builtin type, `self` first (CPython's
    /// `CALL_METHOD_DESCRIPTOR_O`, `_NOARGS`, `_FAST`, for the same reason one form).
    CALL_METHOD_DESCRIPTOR_FAST = 216, cache 3, true;
    /// `len(x)`.
    CALL_LEN = 217, cache 3, true;
    /// `isinstance(x, cls)`.
    CALL_ISINSTANCE = 218, cache 3, true;
    /// `type(x)`.
    CALL_TYPE_1 = 219, cache 3, true;
    /// `str(x)`.
    CALL_STR_1 = 220, cache 3, true;
    /// `tuple(x)`.
    CALL_TUPLE_1 = 221, cache 3, true;
    /// `list.append(x)` on an exact list.
    CALL_LIST_APPEND = 222, cache 3, true;
    /// CALL of a builtin type (`int(x)`, `list()`, ...).
    CALL_BUILTIN_CLASS = 223, cache 3, true;
    /// CALL of a Python class whose `__init__` is a Python function and whose
    /// `__new__` is `object.__new__`: the instance is made here and `__init__` runs in
    /// a frame of this loop (cached type version).
    CALL_ALLOC_AND_ENTER_INIT = 224, cache 3, true;
    /// A JUMP_BACKWARD whose loop has a compiled trace: enters executor `arg` of the
    /// code object (only in threads' bytecode copies, written over the
    /// JUMP_BACKWARD, whose jump distance the executor keeps).
    ENTER_EXECUTOR = 230, cache 1, true;
    /// Prefix: the next instruction's argument gets 8 more high bits.
    EXTENDED_ARG = 255, cache 0, true;
}

impl Op {
    /// Whether control never falls from this instruction into the next one: returns,
    /// raises and unconditional jumps (CPython's `IS_SCOPE_EXIT_OPCODE` and
    /// `IS_UNCONDITIONAL_JUMP_OPCODE`).
    pub fn is_terminator(self) -> bool {
        matches!(
            self,
            Op::RETURN_VALUE
                | Op::RETURN_CONST
                | Op::RAISE_VARARGS
                | Op::RERAISE
                | Op::JUMP_FORWARD
                | Op::JUMP_BACKWARD
        )
    }
}

/// `BINARY_OP` arguments (CPython's `NB_*` numbering).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum BinaryOpArg {
    /// `+`
    Add = 0,
    /// `&`
    And = 1,
    /// `//`
    FloorDivide = 2,
    /// `<<`
    Lshift = 3,
    /// `@`
    MatrixMultiply = 4,
    /// `*`
    Multiply = 5,
    /// `%`
    Remainder = 6,
    /// `|`
    Or = 7,
    /// `**`
    Power = 8,
    /// `>>`
    Rshift = 9,
    /// `-`
    Subtract = 10,
    /// `/`
    TrueDivide = 11,
    /// `^`
    Xor = 12,
}

/// In-place variants add this to the [`BinaryOpArg`].
pub const BINARY_OP_INPLACE: u8 = 13;

impl BinaryOpArg {
    /// The operator's symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOpArg::Add => "+",
            BinaryOpArg::And => "&",
            BinaryOpArg::FloorDivide => "//",
            BinaryOpArg::Lshift => "<<",
            BinaryOpArg::MatrixMultiply => "@",
            BinaryOpArg::Multiply => "*",
            BinaryOpArg::Remainder => "%",
            BinaryOpArg::Or => "|",
            BinaryOpArg::Power => "**",
            BinaryOpArg::Rshift => ">>",
            BinaryOpArg::Subtract => "-",
            BinaryOpArg::TrueDivide => "/",
            BinaryOpArg::Xor => "^",
        }
    }

    /// The argument with numeric value `v` (`v < 13`).
    pub fn from_u8(v: u8) -> Option<BinaryOpArg> {
        use BinaryOpArg::*;
        Some(match v {
            0 => Add,
            1 => And,
            2 => FloorDivide,
            3 => Lshift,
            4 => MatrixMultiply,
            5 => Multiply,
            6 => Remainder,
            7 => Or,
            8 => Power,
            9 => Rshift,
            10 => Subtract,
            11 => TrueDivide,
            12 => Xor,
            _ => return None,
        })
    }
}

/// One entry of the exception table: instructions in `start..end` (code units) jump to
/// `target` on an exception, with the value stack cut to `depth` items, pushing the
/// offset of the raising instruction first if `lasti`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExceptionEntry {
    /// First covered code unit.
    pub start: u32,
    /// One past the last covered code unit.
    pub end: u32,
    /// Handler's first code unit.
    pub target: u32,
    /// Stack depth at the handler.
    pub depth: u32,
    /// Push the raising instruction's offset (for re-raising with the right line).
    pub lasti: bool,
}

/// A decoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Offset of its first code unit (including EXTENDED_ARG prefixes).
    pub offset: usize,
    /// Offset of the opcode unit itself.
    pub op_offset: usize,
    /// The opcode.
    pub op: Op,
    /// The full argument.
    pub arg: u32,
}

impl Instruction {
    /// Offset just past the instruction and its caches (where relative jumps count
    /// from).
    pub fn next_offset(&self) -> usize {
        self.op_offset + 1 + self.op.cache_entries()
    }

    /// The absolute target of a jump instruction.
    pub fn jump_target(&self) -> Option<usize> {
        match self.op {
            Op::JUMP_FORWARD
            | Op::POP_JUMP_IF_FALSE
            | Op::POP_JUMP_IF_TRUE
            | Op::POP_JUMP_IF_NONE
            | Op::POP_JUMP_IF_NOT_NONE
            | Op::FOR_ITER
            | Op::SEND => Some(self.next_offset() + self.arg as usize),
            Op::JUMP_BACKWARD => Some(self.next_offset() - self.arg as usize),
            _ => None,
        }
    }
}

/// Encodes one code unit.
pub const fn unit(op: Op, arg: u8) -> u16 {
    op as u16 | (arg as u16) << 8
}

/// The opcode and 8-bit argument of a code unit.
pub fn decode_unit(u: u16) -> (u8, u8) {
    ((u & 0xff) as u8, (u >> 8) as u8)
}

/// Appends `op arg` with the EXTENDED_ARG prefixes it needs and zeroed caches.
pub fn emit(code: &mut Vec<u16>, op: Op, arg: u32) {
    if arg > 0xff_ffff {
        code.push(unit(Op::EXTENDED_ARG, (arg >> 24) as u8));
    }
    if arg > 0xffff {
        code.push(unit(Op::EXTENDED_ARG, (arg >> 16) as u8));
    }
    if arg > 0xff {
        code.push(unit(Op::EXTENDED_ARG, (arg >> 8) as u8));
    }
    code.push(unit(op, arg as u8));
    code.extend(std::iter::repeat_n(0u16, op.cache_entries()));
}

/// Number of code units `op arg` occupies (prefixes and caches included).
pub fn encoded_len(op: Op, arg: u32) -> usize {
    let prefixes =
        usize::from(arg > 0xff) + usize::from(arg > 0xffff) + usize::from(arg > 0xff_ffff);
    prefixes + 1 + op.cache_entries()
}

/// The interpreter's instruction fetch: the instruction starting at `offset` as
/// `(opcode, argument, offset of the opcode unit, offset after its caches)`, or `None`
/// past the end or on a unit that is no opcode (the compiler emits neither, and debug
/// builds [`verify`](crate::verify) every code object they compile; corrupt code is
/// reported as `SystemError`).
#[inline(always)]
pub fn fetch(code: &[std::cell::Cell<u16>], offset: usize) -> Option<(Op, u32, usize, usize)> {
    let mut i = offset;
    let mut u = code.get(i)?.get();
    let mut arg = u32::from(u >> 8);
    while (u & 0xff) as u8 == Op::EXTENDED_ARG as u8 {
        i += 1;
        u = code.get(i)?.get();
        arg = (arg << 8) | u32::from(u >> 8);
    }
    let b = (u & 0xff) as usize;
    let op = Op::TABLE[b];
    Some((op, arg, i, i + 1 + Op::CACHES[b] as usize))
}

/// Decodes the instruction starting at `offset`.
///
/// # Errors
/// A message if the code unit is not a valid opcode or the code ends early.
pub fn decode_at(code: &[u16], offset: usize) -> Result<Instruction, String> {
    let mut arg: u32 = 0;
    let mut i = offset;
    loop {
        let &u = code
            .get(i)
            .ok_or_else(|| format!("code ends inside the instruction at {offset}"))?;
        let (b, a) = decode_unit(u);
        let op = Op::from_u8(b).ok_or_else(|| format!("invalid opcode {b} at {i}"))?;
        arg = (arg << 8) | u32::from(a);
        if op == Op::EXTENDED_ARG {
            i += 1;
            continue;
        }
        return Ok(Instruction {
            offset,
            op_offset: i,
            op,
            arg,
        });
    }
}

/// All instructions of `code` in order (caches skipped).
///
/// # Errors
/// As [`decode_at`].
pub fn instructions(code: &[u16]) -> Result<Vec<Instruction>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let ins = decode_at(code, i)?;
        i = ins.next_offset();
        out.push(ins);
    }
    Ok(out)
}

/// The source position of an instruction, as CPython 3.11's `co_positions()` gives it:
/// the span of the AST node the instruction was compiled from. Lines are 1-based;
/// columns are 0-based offsets in UTF-8 bytes from the start of their line (CPython's
/// convention, which traceback printing turns into character offsets). Line 0 means
/// "no position" (artificial instructions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Location {
    /// First line of the span.
    pub line: u32,
    /// Last line of the span.
    pub end_line: u32,
    /// Start column on `line` (UTF-8 bytes).
    pub col: u32,
    /// End column on `end_line` (UTF-8 bytes, exclusive).
    pub end_col: u32,
}

impl Location {
    /// A position that only knows its line (columns span nothing).
    pub fn line_only(line: u32) -> Self {
        Location {
            line,
            end_line: line,
            col: 0,
            end_col: 0,
        }
    }
}

/// The source position of each code unit, stored as runs: `(first unit, position)`
/// with increasing units.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineTable {
    runs: Vec<(u32, Location)>,
}

impl LineTable {
    /// Records that code from `unit` on was compiled from `loc`.
    pub fn mark(&mut self, unit: usize, loc: Location) {
        let unit = unit as u32;
        match self.runs.last_mut() {
            Some(&mut (_, l)) if l == loc => {}
            Some(last) if last.0 == unit => last.1 = loc,
            _ => self.runs.push((unit, loc)),
        }
    }

    /// The position of the instruction at `unit`, if it has one.
    pub fn location_of(&self, unit: usize) -> Option<Location> {
        let unit = unit as u32;
        let i = self.runs.partition_point(|&(u, _)| u <= unit);
        if i == 0 {
            return None;
        }
        let loc = self.runs[i - 1].1;
        (loc.line != 0).then_some(loc)
    }

    /// A table of the given runs (`(first unit, position)`, units strictly
    /// increasing: [`crate::serial`] checks that before calling this).
    pub fn from_runs(runs: Vec<(u32, Location)>) -> Self {
        LineTable { runs }
    }

    /// The runs: `(first unit, position)` with increasing units, each position
    /// holding until the next run starts (line 0: no line).
    pub fn runs(&self) -> &[(u32, Location)] {
        &self.runs
    }

    /// Moves every position by `delta` lines (a code object given another first
    /// line); lines that would leave the range `1..=u32::MAX` become "no line".
    pub fn shift_lines(&mut self, delta: i64) {
        for (_, loc) in &mut self.runs {
            if loc.line == 0 {
                continue;
            }
            let moved = |l: u32| u32::try_from(i64::from(l) + delta).ok().filter(|&l| l > 0);
            match (moved(loc.line), moved(loc.end_line)) {
                (Some(l), Some(e)) => {
                    loc.line = l;
                    loc.end_line = e;
                }
                _ => *loc = Location::default(),
            }
        }
    }

    /// The line of the instruction at `unit`.
    pub fn line_of(&self, unit: usize) -> Option<u32> {
        self.location_of(unit).map(|l| l.line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let mut code = Vec::new();
        emit(&mut code, Op::LOAD_CONST, 3);
        emit(&mut code, Op::LOAD_GLOBAL, 0x1_2345);
        emit(&mut code, Op::BINARY_OP, 0);
        emit(&mut code, Op::RETURN_VALUE, 0);
        let ins = instructions(&code).expect("valid");
        assert_eq!(ins.len(), 4);
        assert_eq!((ins[0].op, ins[0].arg), (Op::LOAD_CONST, 3));
        assert_eq!((ins[1].op, ins[1].arg), (Op::LOAD_GLOBAL, 0x1_2345));
        assert_eq!(ins[1].offset, 1);
        assert_eq!(ins[1].op_offset, 3, "two EXTENDED_ARG prefixes");
        assert_eq!(ins[2].offset, 3 + 1 + Op::LOAD_GLOBAL.cache_entries());
        let load_global_len = 3 + Op::LOAD_GLOBAL.cache_entries();
        assert_eq!(encoded_len(Op::LOAD_GLOBAL, 0x1_2345), load_global_len);
        assert_eq!(
            code.len(),
            1 + load_global_len + 1 + Op::BINARY_OP.cache_entries() + 1
        );
    }

    #[test]
    fn jumps_are_relative_to_the_end_of_caches() {
        let mut code = Vec::new();
        emit(&mut code, Op::FOR_ITER, 3);
        emit(&mut code, Op::POP_TOP, 0);
        emit(&mut code, Op::JUMP_BACKWARD, 5);
        emit(&mut code, Op::END_FOR, 0);
        let ins = instructions(&code).expect("valid");
        assert_eq!(ins[0].jump_target(), Some(2 + 3));
        assert_eq!(ins[2].jump_target(), Some(0));
    }

    #[test]
    fn line_table_runs() {
        let mut t = LineTable::default();
        t.mark(0, Location::line_only(1));
        t.mark(2, Location::line_only(1));
        t.mark(4, Location::line_only(3));
        t.mark(4, Location::line_only(4));
        t.mark(9, Location::line_only(0));
        assert_eq!(t.line_of(0), Some(1));
        assert_eq!(t.line_of(3), Some(1));
        assert_eq!(t.line_of(4), Some(4));
        assert_eq!(t.line_of(8), Some(4));
        assert_eq!(t.line_of(9), None);
        let span = Location {
            line: 5,
            end_line: 6,
            col: 4,
            end_col: 2,
        };
        t.mark(10, span);
        assert_eq!(t.location_of(12), Some(span));
    }

    #[test]
    fn every_opcode_round_trips() {
        for b in 0..=255u8 {
            if let Some(op) = Op::from_u8(b) {
                assert_eq!(op as u8, b);
                assert!(!op.name().is_empty());
            }
        }
        assert_eq!(Op::from_u8(250), None);
    }
}
