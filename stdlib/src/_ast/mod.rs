//! The `_ast` module (CPython's Python/Python-ast.c, generated there from
//! Parser/Python.asdl): the `AST` base type, one class per node type of Python
//! 3.11's abstract grammar, the `PyCF_*` flags, and `compile()`'s link to the parser
//! (`from_source.rs` turns the compiler's ruff tree into these node objects).
//!
//! The classes are made once per process from `ASDL`, a table in ASDL's own
//! notation: for each type its constructors (sum types) or fields (product types)
//! and its attributes. `?` marks an optional field (`None` at class level, as in
//! 3.11), `*` a list. Every class gets `_fields`, `__match_args__`, `__module__ =
//! 'ast'` and CPython's `__doc__`; sum types and product types also `_attributes`.
//! The constructors of "simple" sums (`Load`, `Add`, `Eq`, ...) have one shared
//! instance each, which parsed trees use, as CPython's do.
//!
//! `AST.__init__` sets positional arguments in `_fields` order and keyword
//! arguments by name; `AST.__reduce__` gives `(type(self), (), self.__dict__)` for
//! pickle and copy. Instances keep everything in their `__dict__`.

mod from_source;

use std::collections::HashMap;
use std::sync::OnceLock;

use strand_heap::{HeapKind, ObjPtr, ObjectHeader};
use strand_objects::abstract_ as ab;
use strand_objects::args::Args;
use strand_objects::descr::MethodDef;
use strand_objects::exceptions::type_error;
use strand_objects::typeobj::{PyType, Slots, TypeFlags};
use strand_objects::{dict, managed, module, singletons, str as pystr, tuple, PyObj, PyResult};

/// One type of the abstract grammar.
struct TypeDef {
    /// Its name (`expr`, `arguments`).
    name: &'static str,
    /// Its attributes (`int lineno, ...`), possibly empty.
    attributes: &'static str,
    /// Its constructors or fields.
    shape: Shape,
}

/// A sum of constructors (`Name(identifier id, expr_context ctx)`) or a product
/// (its field list).
enum Shape {
    Sum(&'static [&'static str]),
    Product(&'static str),
}

/// The position attributes of statements, expressions and most other located nodes.
const POS: &str = "int lineno, int col_offset, int? end_lineno, int? end_col_offset";

use Shape::{Product, Sum};

/// Python 3.11's Parser/Python.asdl as a table.
static ASDL: &[TypeDef] = &[
    TypeDef {
        name: "mod",
        attributes: "",
        shape: Sum(&[
            "Module(stmt* body, type_ignore* type_ignores)",
            "Interactive(stmt* body)",
            "Expression(expr body)",
            "FunctionType(expr* argtypes, expr returns)",
        ]),
    },
    TypeDef {
        name: "stmt",
        attributes: POS,
        shape: Sum(&[
            "FunctionDef(identifier name, arguments args, stmt* body, expr* decorator_list, expr? returns, string? type_comment)",
            "AsyncFunctionDef(identifier name, arguments args, stmt* body, expr* decorator_list, expr? returns, string? type_comment)",
            "ClassDef(identifier name, expr* bases, keyword* keywords, stmt* body, expr* decorator_list)",
            "Return(expr? value)",
            "Delete(expr* targets)",
            "Assign(expr* targets, expr value, string? type_comment)",
            "AugAssign(expr target, operator op, expr value)",
            "AnnAssign(expr target, expr annotation, expr? value, int simple)",
            "For(expr target, expr iter, stmt* body, stmt* orelse, string? type_comment)",
            "AsyncFor(expr target, expr iter, stmt* body, stmt* orelse, string? type_comment)",
            "While(expr test, stmt* body, stmt* orelse)",
            "If(expr test, stmt* body, stmt* orelse)",
            "With(withitem* items, stmt* body, string? type_comment)",
            "AsyncWith(withitem* items, stmt* body, string? type_comment)",
            "Match(expr subject, match_case* cases)",
            "Raise(expr? exc, expr? cause)",
            "Try(stmt* body, excepthandler* handlers, stmt* orelse, stmt* finalbody)",
            "TryStar(stmt* body, excepthandler* handlers, stmt* orelse, stmt* finalbody)",
            "Assert(expr test, expr? msg)",
            "Import(alias* names)",
            "ImportFrom(identifier? module, alias* names, int? level)",
            "Global(identifier* names)",
            "Nonlocal(identifier* names)",
            "Expr(expr value)",
            "Pass",
            "Break",
            "Continue",
        ]),
    },
    TypeDef {
        name: "expr",
        attributes: POS,
        shape: Sum(&[
            "BoolOp(boolop op, expr* values)",
            "NamedExpr(expr target, expr value)",
            "BinOp(expr left, operator op, expr right)",
            "UnaryOp(unaryop op, expr operand)",
            "Lambda(arguments args, expr body)",
            "IfExp(expr test, expr body, expr orelse)",
            "Dict(expr* keys, expr* values)",
            "Set(expr* elts)",
            "ListComp(expr elt, comprehension* generators)",
            "SetComp(expr elt, comprehension* generators)",
            "DictComp(expr key, expr value, comprehension* generators)",
            "GeneratorExp(expr elt, comprehension* generators)",
            "Await(expr value)",
            "Yield(expr? value)",
            "YieldFrom(expr value)",
            "Compare(expr left, cmpop* ops, expr* comparators)",
            "Call(expr func, expr* args, keyword* keywords)",
            "FormattedValue(expr value, int conversion, expr? format_spec)",
            "JoinedStr(expr* values)",
            "Constant(constant value, string? kind)",
            "Attribute(expr value, identifier attr, expr_context ctx)",
            "Subscript(expr value, expr slice, expr_context ctx)",
            "Starred(expr value, expr_context ctx)",
            "Name(identifier id, expr_context ctx)",
            "List(expr* elts, expr_context ctx)",
            "Tuple(expr* elts, expr_context ctx)",
            "Slice(expr? lower, expr? upper, expr? step)",
        ]),
    },
    TypeDef {
        name: "expr_context",
        attributes: "",
        shape: Sum(&["Load", "Store", "Del"]),
    },
    TypeDef {
        name: "boolop",
        attributes: "",
        shape: Sum(&["And", "Or"]),
    },
    TypeDef {
        name: "operator",
        attributes: "",
        shape: Sum(&[
            "Add", "Sub", "Mult", "MatMult", "Div", "Mod", "Pow", "LShift", "RShift", "BitOr",
            "BitXor", "BitAnd", "FloorDiv",
        ]),
    },
    TypeDef {
        name: "unaryop",
        attributes: "",
        shape: Sum(&["Invert", "Not", "UAdd", "USub"]),
    },
    TypeDef {
        name: "cmpop",
        attributes: "",
        shape: Sum(&["Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot", "In", "NotIn"]),
    },
    TypeDef {
        name: "comprehension",
        attributes: "",
        shape: Product("expr target, expr iter, expr* ifs, int is_async"),
    },
    TypeDef {
        name: "excepthandler",
        attributes: POS,
        shape: Sum(&["ExceptHandler(expr? type, identifier? name, stmt* body)"]),
    },
    TypeDef {
        name: "arguments",
        attributes: "",
        shape: Product(
            "arg* posonlyargs, arg* args, arg? vararg, arg* kwonlyargs, expr* kw_defaults, arg? kwarg, expr* defaults",
        ),
    },
    TypeDef {
        name: "arg",
        attributes: POS,
        shape: Product("identifier arg, expr? annotation, string? type_comment"),
    },
    TypeDef {
        name: "keyword",
        attributes: POS,
        shape: Product("identifier? arg, expr value"),
    },
    TypeDef {
        name: "alias",
        attributes: POS,
        shape: Product("identifier name, identifier? asname"),
    },
    TypeDef {
        name: "withitem",
        attributes: "",
        shape: Product("expr context_expr, expr? optional_vars"),
    },
    TypeDef {
        name: "match_case",
        attributes: "",
        shape: Product("pattern pattern, expr? guard, stmt* body"),
    },
    TypeDef {
        name: "pattern",
        attributes: POS,
        shape: Sum(&[
            "MatchValue(expr value)",
            "MatchSingleton(constant value)",
            "MatchSequence(pattern* patterns)",
            "MatchMapping(expr* keys, pattern* patterns, identifier? rest)",
            "MatchClass(expr cls, pattern* patterns, identifier* kwd_attrs, pattern* kwd_patterns)",
            "MatchStar(identifier? name)",
            "MatchAs(pattern? pattern, identifier? name)",
            "MatchOr(pattern* patterns)",
        ]),
    },
    TypeDef {
        name: "type_ignore",
        attributes: "",
        shape: Sum(&["TypeIgnore(int lineno, string tag)"]),
    },
];

/// One field of a field list: its name and whether it is optional (`?`).
fn parse_fields(list: &'static str) -> Vec<(&'static str, bool)> {
    list.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| {
            let (ty, name) = f.rsplit_once(' ').expect("ASDL fields are 'type name'");
            (name, ty.ends_with('?'))
        })
        .collect()
}

/// A constructor `Name(fields)` split into its name and field list.
fn split_constructor(c: &'static str) -> (&'static str, &'static str) {
    match c.split_once('(') {
        Some((name, rest)) => (name, rest.trim_end_matches(')')),
        None => (c, ""),
    }
}

/// A node class: the class object and its field names in order.
pub(crate) struct NodeClass {
    class: usize,
    fields: Vec<&'static str>,
}

impl NodeClass {
    /// The class.
    pub(crate) fn class(&self) -> PyObj {
        borrowed(self.class)
    }

    /// Its fields, in `_fields` order.
    pub(crate) fn fields(&self) -> &[&'static str] {
        &self.fields
    }
}

/// Every node class by name, and the shared instances of the simple sums'
/// constructors.
pub(crate) struct Registry {
    classes: HashMap<&'static str, NodeClass>,
    singletons: HashMap<&'static str, usize>,
    /// Names in the order `_ast` lists them.
    order: Vec<&'static str>,
}

impl Registry {
    /// The class named `name` (one of [`ASDL`]'s).
    pub(crate) fn class(&self, name: &str) -> &NodeClass {
        self.classes.get(name).expect("a node class of the table")
    }

    /// The shared instance of a simple sum's constructor (`Load`, `Add`).
    pub(crate) fn singleton(&self, name: &str) -> PyObj {
        borrowed(*self.singletons.get(name).expect("a simple constructor"))
    }
}

/// Keeps `o` alive for the process and gives its address.
fn leak(o: PyObj) -> usize {
    o.into_ptr().addr()
}

/// A new reference to an object kept alive by [`leak`].
fn borrowed(addr: usize) -> PyObj {
    let ptr = ObjPtr::from_raw(addr as *mut ObjectHeader).expect("leaked objects are non-null");
    // SAFETY: the reference leaked by `leak` keeps the object alive for the process.
    unsafe { PyObj::from_borrowed(ptr) }
}

/// The node classes, made on first use.
pub(crate) fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(build_registry)
}

fn str_tuple(names: &[&str]) -> PyObj {
    tuple::from_vec(names.iter().map(|n| pystr::intern(n)).collect())
}

/// A class `name(base)` with `_fields`, `__match_args__`, `__doc__`, the class-level
/// `None`s of `optional` names and, if given, `_attributes`.
fn make_class(
    name: &'static str,
    base: &PyObj,
    fields: &[(&'static str, bool)],
    attributes: Option<&[(&'static str, bool)]>,
    doc: &str,
) -> PyObj {
    let ns = dict::new();
    let names: Vec<&str> = fields.iter().map(|f| f.0).collect();
    dict::set_item_str(&ns, "__module__", pystr::intern("ast"));
    dict::set_item_str(&ns, "_fields", str_tuple(&names));
    dict::set_item_str(&ns, "__match_args__", str_tuple(&names));
    dict::set_item_str(&ns, "__doc__", pystr::new(doc));
    if let Some(attrs) = attributes {
        let an: Vec<&str> = attrs.iter().map(|f| f.0).collect();
        dict::set_item_str(&ns, "_attributes", str_tuple(&an));
    }
    for (n, optional) in fields.iter().chain(attributes.unwrap_or_default()) {
        if *optional {
            dict::set_item_str(&ns, n, singletons::none());
        }
    }
    strand_objects::heaptype::new_heap_type(
        &strand_objects::typeobj::TYPE_TYPE.to_obj(),
        &pystr::intern(name),
        std::slice::from_ref(base),
        &ns,
        &[],
    )
    .expect("node classes derive from ast.AST")
}

fn build_registry() -> Registry {
    ready();
    let ast = AST_TYPE.to_obj();
    let mut classes = HashMap::new();
    let mut singletons = HashMap::new();
    let mut order = Vec::new();
    for def in ASDL {
        let attributes = parse_fields(def.attributes);
        match def.shape {
            Sum(ctors) => {
                let simple = ctors.iter().all(|c| !c.contains('('));
                let doc = if simple {
                    format!("{} = {}", def.name, ctors.join(" | "))
                } else {
                    let sep = format!("\n{}| ", " ".repeat(def.name.len() + 1));
                    format!("{} = {}", def.name, ctors.join(&sep))
                };
                let base = make_class(def.name, &ast, &[], Some(&attributes), &doc);
                for c in ctors {
                    let (name, list) = split_constructor(c);
                    let fields = parse_fields(list);
                    let cls = make_class(name, &base, &fields, None, c);
                    if simple {
                        let instance = strand_objects::heaptype::alloc_plain_instance(
                            // SAFETY: made by make_class, a type.
                            unsafe { PyType::from_obj(&cls) },
                        );
                        singletons.insert(name, leak(instance));
                    }
                    classes.insert(
                        name,
                        NodeClass {
                            class: leak(cls),
                            fields: fields.iter().map(|f| f.0).collect(),
                        },
                    );
                    order.push(name);
                }
                classes.insert(
                    def.name,
                    NodeClass {
                        class: leak(base),
                        fields: Vec::new(),
                    },
                );
                order.push(def.name);
            }
            Product(list) => {
                let fields = parse_fields(list);
                let doc = format!("{}({list})", def.name);
                let cls = make_class(def.name, &ast, &fields, Some(&attributes), &doc);
                classes.insert(
                    def.name,
                    NodeClass {
                        class: leak(cls),
                        fields: fields.iter().map(|f| f.0).collect(),
                    },
                );
                order.push(def.name);
            }
        }
    }
    Registry {
        classes,
        singletons,
        order,
    }
}

// ---------------------------------------------------------------------------------
// ast.AST
// ---------------------------------------------------------------------------------

/// The layout of `ast.AST`: the header; everything else is in the `__dict__`.
#[repr(C)]
pub struct PyAst {
    header: ObjectHeader,
}

unsafe fn ast_traverse(obj: ObjPtr, visit: &mut dyn FnMut(ObjPtr)) {
    // SAFETY: AST instances have a pre-header; the world is stopped.
    unsafe { managed::traverse(obj, visit) };
}

unsafe fn ast_clear(obj: ObjPtr) {
    // SAFETY: AST instances have a pre-header; the collector keeps it alive.
    unsafe { managed::clear(obj) };
}

unsafe fn ast_dealloc(obj: ObjPtr) {
    // SAFETY: count zero, exclusive; the dict in the pre-header is the only content.
    unsafe {
        managed::clear(obj);
        strand_objects::heaptype::dealloc_instance_memory(obj);
    }
}

strand_objects::builtin_type! {
    /// `ast.AST`, the base of every node class.
    pub static AST_TYPE = {
        name: "ast.AST",
        layout: PyAst,
        itemsize: 0,
        kind: HeapKind::GcPreheader,
        flags: TypeFlags::BASETYPE
            .union(TypeFlags::MANAGED_DICT)
            .union(TypeFlags::PREHEADER),
        traverse: Some(ast_traverse),
        clear: Some(ast_clear),
        dealloc: ast_dealloc,
        size: None,
        slots: Slots {
            new: Some(strand_objects::baseobject::object_new),
            init: Some(ast_init),
            getattro: Some(strand_objects::baseobject::generic_getattr),
            setattro: Some(strand_objects::baseobject::generic_setattr),
            ..Slots::EMPTY
        },
    }
}

/// `AST.__init__(*args, **kwargs)`: positional arguments set the fields in order,
/// keyword arguments set attributes by name (CPython's `ast_type_init`).
fn ast_init(obj: &PyObj, args: &[PyObj], kwnames: Option<&PyObj>) -> PyResult<()> {
    let a = Args::new(args, kwnames);
    let ty = obj.ty();
    let fields = match ab::getattr_opt(&ty.to_obj(), &pystr::intern("_fields"))? {
        Some(f) => ab::collect_iter(&f)?,
        None => Vec::new(),
    };
    let pos = a.positionals();
    if pos.len() > fields.len() {
        return Err(type_error(format!(
            "{} constructor takes at most {} positional argument{}",
            ty.name().rsplit('.').next().unwrap_or_default(),
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        )));
    }
    for (name, value) in fields.iter().zip(pos) {
        ab::setattr(obj, name, value)?;
    }
    for (name, value) in a.kwargs() {
        ab::setattr(obj, &pystr::intern(name), value)?;
    }
    Ok(())
}

/// `AST.__reduce__()`: `(type(self), (), self.__dict__)`.
fn ast_reduce(a: &[PyObj], k: Option<&PyObj>) -> PyResult<PyObj> {
    Args::new(a, k).exact("__reduce__", 1)?;
    let d = managed::ensure_dict(&a[0]);
    Ok(tuple::from_vec(vec![
        a[0].ty().to_obj(),
        tuple::from_vec(Vec::new()),
        d,
    ]))
}

fn ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    READY.call_once(|| {
        AST_TYPE.ready_static(
            Some(&strand_objects::baseobject::OBJECT_TYPE),
            &[MethodDef::new("__reduce__", ast_reduce)],
            &[strand_objects::descr::GetSetDef::new(
                "__dict__",
                |o| Ok(managed::ensure_dict(o)),
                None,
            )],
        );
        let d = AST_TYPE.dict();
        dict::set_item_str(d, "_fields", tuple::from_vec(Vec::new()));
        dict::set_item_str(d, "_attributes", tuple::from_vec(Vec::new()));
        dict::set_item_str(d, "__match_args__", tuple::from_vec(Vec::new()));
    });
}

/// Whether `o` is an `ast.AST` instance.
fn is_ast(o: &PyObj) -> bool {
    ready();
    o.is_instance_of(&AST_TYPE)
}

/// `compile(tree, ...)`: compiling node objects back to code is not implemented.
fn compile_tree(tree: &PyObj, _filename: &str, _mode: &str, _optimize: u8) -> PyResult<PyObj> {
    Err(type_error(format!(
        "compile() of an AST object ({}) is not supported by strand yet: pass source text",
        tree.ty().name()
    )))
}

/// Registers `compile()`'s hooks (called by [`crate::install`]).
pub fn install() {
    strand_interp::ast_hooks::set_hooks(strand_interp::ast_hooks::AstHooks {
        parse: from_source::parse,
        is_ast,
        compile: compile_tree,
    });
}

/// The `_ast` module.
pub fn make_module() -> PyObj {
    let reg = registry();
    let m = module::new_native_module("_ast");
    let d = module::module_dict(&m);
    dict::set_item_str(&d, "AST", AST_TYPE.to_obj());
    for name in &reg.order {
        dict::set_item_str(&d, name, reg.class(name).class());
    }
    use strand_interp::ast_hooks as h;
    crate::modsupport::add_int(&d, "PyCF_ONLY_AST", h::PYCF_ONLY_AST);
    crate::modsupport::add_int(&d, "PyCF_TYPE_COMMENTS", h::PYCF_TYPE_COMMENTS);
    crate::modsupport::add_int(
        &d,
        "PyCF_ALLOW_TOP_LEVEL_AWAIT",
        h::PYCF_ALLOW_TOP_LEVEL_AWAIT,
    );
    m
}
