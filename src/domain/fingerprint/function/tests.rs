//! Tests for `function`: closure/lambda/block rules of each language and noise removal.

use super::*;
#[test]
fn functions_reduce_closures_to_their_enclosing_function() {
    let cases = [
        ("lambda$handle$0", "com.shop.Cart", "handle{closure}"), // Java
        ("lambda$static$3", "", "static{closure}"),
        ("handle$lambda$0", "", "handle{closure}"), // Kotlin
        ("handle$lambda-2", "", "handle{closure}"),
        ("$anonfun$handle$1", "", "handle{closure}"), // Scala
        ("<lambda>", "app.cart", "{closure}"),        // Python
        (
            "myapp::cart::add::{{closure}}",
            "",
            "myapp::cart::add{closure}",
        ), // Rust
        (
            "myapp::cart::add::{{closure}}::{{closure}}",
            "",
            "myapp::cart::add{closure}",
        ),
        ("main.handler.func1", "", "main.handler{closure}"), // Go
        ("(*Cart).Add.func2.1", "", "(*Cart).Add{closure}"),
        ("<Handle>b__0_1", "Shop.Cart+<>c", "Handle{closure}"), // C#
        ("<Handle>g__Local|0_0", "", "Handle.Local"),
        ("block (2 levels) in process", "", "process{closure}"), // Ruby
        ("block in process", "", "process{closure}"),
        ("rescue in process", "", "process"),
        (
            "App\\Http\\CartController::{closure}",
            "",
            "App\\Http\\CartController{closure}",
        ), // PHP
    ];
    for (raw, module, want) in cases {
        assert_eq!(normalize_function(raw, module), want, "{raw}");
    }
}
#[test]
fn functions_lose_anonymous_names_hashes_args_and_addresses() {
    for anon in [
        "<anonymous>",
        "Object.<anonymous>",
        "?",
        "(anonymous)",
        "0x7ffd4a2b10c0",
    ] {
        assert_eq!(normalize_function(anon, ""), "", "{anon}");
    }
    assert_eq!(
        normalize_function("myapp::cart::add::h1a2b3c4d5e6f7a8b", ""),
        "myapp::cart::add"
    );
    assert_eq!(normalize_function("async Cart.add", ""), "Cart.add");
    assert_eq!(
        normalize_function("Object.handler [as handle]", ""),
        "Object.handler"
    );
    assert_eq!(
        normalize_function("Promise.all (index 0)", ""),
        "Promise.all"
    );
    assert_eq!(
        normalize_function("handler(0xc000123456, 0x1)", ""),
        "handler"
    );
    assert_eq!(normalize_function("Map[...]", ""), "Map");
    assert_eq!(
        normalize_function("MoveNext", "Shop.Cart+<Handle>d__5"),
        "Handle"
    );
    assert_eq!(
        normalize_function("com.shop.Cart.handle", "com.shop.Cart"),
        "handle"
    );
}
