//! A first end-to-end check of the object model: arithmetic, containers, errors.
mod common;
use common::*;
use strand_objects::abstract_ as ab;

#[test]
fn smoke() {
    let _e = env();
    let a = int(2);
    let b = int(3);
    let c = ab::binary_op(&a, &b, ab::BinOp::Add).unwrap();
    assert_eq!(repr(&c), "5");
    let l = strand_objects::list::new(vec![int(1), s("x"), float(1.5)]);
    assert_eq!(repr(&l), "[1, 'x', 1.5]");
    let d = strand_objects::dict::new();
    strand_objects::dict::set_item(&d, s("a"), int(1)).unwrap();
    assert_eq!(repr(&d), "{'a': 1}");
    let st = strand_objects::set::new_set_from(&l).unwrap();
    println!("{}", repr(&st));
    let e = ab::binary_op(&a, &s("x"), ab::BinOp::Add).unwrap_err();
    assert_eq!(
        err_line(&e),
        "TypeError: unsupported operand type(s) for +: 'int' and 'str'"
    );
    let m = call(&s("a,b"), "split", &[s(",")]).unwrap();
    assert_eq!(repr(&m), "['a', 'b']");
}
