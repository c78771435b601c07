//! Tests for `paths`: one per path normalization rule.

use super::*;
use proptest::prelude::*;
#[test]
fn paths_drop_deploy_roots_and_leading_dot() {
    for raw in [
        "/srv/app/checkout/cart.py",
        "app/checkout/cart.py",
        "./app/checkout/cart.py",
        "/usr/src/app/app/checkout/cart.py",
        "/home/deploy/app/checkout/cart.py",
        "/app/app/checkout/cart.py",
        "file:///srv/app/checkout/cart.py",
        "/srv/app/checkout/../checkout/cart.py",
    ] {
        assert_eq!(normalize_path(raw), "app/checkout/cart.py", "{raw}");
    }
    assert_eq!(normalize_path("/var/task/handler.js"), "handler.js");
    assert_eq!(
        normalize_path("/opt/app/1.4.2/checkout/cart.py"),
        "checkout/cart.py"
    );
    assert_eq!(
        normalize_path("C:\\src\\Shop\\Checkout\\Cart.cs:line 42"),
        "Shop/Checkout/Cart.cs"
    );
    assert_eq!(
        normalize_path("/inetpub/wwwroot/Shop/Cart.cs"),
        "Shop/Cart.cs"
    );
}
#[test]
fn paths_drop_line_column_query_and_offsets() {
    assert_eq!(normalize_path("/app/cart.py:42"), "cart.py");
    assert_eq!(normalize_path("/app/x.js:10:5"), "x.js");
    assert_eq!(
        normalize_path("/app/checkout/cart.go:42 +0x1d"),
        "checkout/cart.go"
    );
    assert_eq!(
        normalize_path("https://shop.example/js/app.js?v=12#L3"),
        "js/app.js"
    );
}
#[test]
fn paths_drop_release_directories() {
    assert_eq!(
        normalize_path("/app/releases/20240501/lib/foo.rb"),
        "lib/foo.rb"
    );
    assert_eq!(
        normalize_path("/var/www/shop/releases/20240501120000/app/models/user.rb"),
        "app/models/user.rb"
    );
    assert_eq!(
        normalize_path("/var/www/shop/current/app/models/user.rb"),
        "app/models/user.rb"
    );
    assert_eq!(
        normalize_path("/srv/build/20240501/app/main.py"),
        "build/app/main.py"
    );
}
#[test]
fn paths_cut_library_locations_and_versions() {
    let express = "node_modules/express/lib/router/index.js";
    assert_eq!(
        normalize_path(
            "/app/node_modules/.pnpm/express@4.18.2/node_modules/express/lib/router/index.js"
        ),
        express
    );
    assert_eq!(
        normalize_path("/app/node_modules/express/lib/router/index.js"),
        express
    );
    assert_eq!(
        normalize_path("/app/.yarn/cache/x/node_modules/@scope/pkg/index.js"),
        "node_modules/@scope/pkg/index.js"
    );
    assert_eq!(
        normalize_path("/usr/local/lib/python3.11/site-packages/requests/api.py"),
        "requests/api.py"
    );
    assert_eq!(
        normalize_path("/usr/lib/python3/dist-packages/yaml/reader.py"),
        "yaml/reader.py"
    );
    assert_eq!(
        normalize_path("/usr/lib/python3.11/json/decoder.py"),
        "json/decoder.py"
    );
    assert_eq!(
        normalize_path("/root/go/pkg/mod/github.com/gin-gonic/gin@v1.9.1/context.go"),
        "github.com/gin-gonic/gin/context.go"
    );
    assert_eq!(
        normalize_path("/usr/local/go/src/runtime/panic.go"),
        "runtime/panic.go"
    );
    assert_eq!(
        normalize_path("/go/src/github.com/shop/checkout/cart.go"),
        "github.com/shop/checkout/cart.go"
    );
    assert_eq!(
        normalize_path(
            "/home/x/.cargo/registry/src/index.crates.io-6f17d22bba15001f/tokio-1.35.0/src/runtime/park.rs"
        ),
        "tokio/src/runtime/park.rs"
    );
    assert_eq!(
        normalize_path(
            "/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/core/src/panicking.rs"
        ),
        "library/core/src/panicking.rs"
    );
    assert_eq!(
        normalize_path("/usr/local/bundle/gems/rack-2.2.8/lib/rack/builder.rb"),
        "gems/rack/lib/rack/builder.rb"
    );
}
#[test]
fn paths_drop_urls_and_bundler_hashes() {
    assert_eq!(
        normalize_path("https://cdn.example.com/static/js/main.3f2a1b.js"),
        "static/js/main.js"
    );
    assert_eq!(
        normalize_path("app:///static/js/main.9e8d7c6b.js"),
        "static/js/main.js"
    );
    assert_eq!(normalize_path("webpack:///./src/cart.ts"), "src/cart.ts");
    assert_eq!(
        normalize_path("webpack://shop/./src/cart.ts"),
        "src/cart.ts"
    );
    assert_eq!(
        normalize_path("https://x.example/assets/index-BkL9rW2x.js"),
        "assets/index.js"
    );
    assert_eq!(
        normalize_path("/_next/static/chunks/pages/checkout-3f2a1b9c8d7e6f5a.js"),
        "_next/static/chunks/pages/checkout.js"
    );
    assert_eq!(
        normalize_path("/app/dist/123.3f2a1b9c.chunk.js"),
        "dist/chunk.js"
    );
    assert_eq!(
        normalize_path("/app/dist/styles.1a2b3c4d.chunk.css"),
        "dist/styles.chunk.css"
    );
    // Ordinary names survive.
    assert_eq!(
        normalize_path("src/user-service2.js"),
        "src/user-service2.js"
    );
    assert_eq!(normalize_path("lib/jquery.min.js"), "lib/jquery.min.js");
    assert_eq!(normalize_path("api/v2/cart.py"), "api/v2/cart.py");
}

proptest! {
    #[test]
    fn path_normalization_never_panics(raw in "[/\\\\:.@a-zA-Z0-9_~ -]{0,80}|\\PC{0,40}") {
        let _ = normalize_path(&raw);
    }
}
