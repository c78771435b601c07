//! Ruby backtraces: the interpreter's (3.4 quotes and labels), Rails' and semantic_logger JSON.

use super::*;

const RUBY_34: &str = "/app/models/cart.rb:42:in 'Cart#total': undefined method 'price' for nil (NoMethodError)
\tfrom /app/controllers/carts_controller.rb:10:in 'block in CartsController#show'
\tfrom /usr/local/bundle/gems/actionpack-7.1.3/lib/action_controller/metal/basic_implicit_render.rb:6:in 'ActionController::BasicImplicitRender#send_action'
\tfrom <internal:kernel>:187:in 'Kernel#loop'";

#[test]
fn interpreter_backtrace() {
    let p = parse_message(RUBY_34);
    assert_eq!(p.exception_type.as_deref(), Some("NoMethodError"));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("undefined method 'price' for nil")
    );
    assert_eq!(
        functions(&p),
        ["total", "block in show", "send_action", "loop"]
    );
    let modules: Vec<&str> = p.frames.iter().map(|f| f.module.as_str()).collect();
    assert_eq!(
        modules,
        [
            "Cart",
            "CartsController",
            "ActionController::BasicImplicitRender",
            "Kernel"
        ]
    );
    assert_eq!(in_app(&p), [true, true, false, false]);
    assert_eq!(lines_of(&p), [Some(42), Some(10), Some(6), Some(187)]);
}

#[test]
fn rails_backtick_backtrace() {
    let raw = "NoMethodError (undefined method `price' for nil:NilClass):
  
app/models/cart.rb:42:in `total'
app/controllers/carts_controller.rb:10:in `block in show'
/usr/local/bundle/gems/actionpack-7.0.8/lib/abstract_controller/base.rb:215:in `process_action'";
    let p = parse_message(raw);
    assert_eq!(p.exception_type.as_deref(), Some("NoMethodError"));
    assert_eq!(
        p.exception_message.as_deref(),
        Some("undefined method `price' for nil:NilClass")
    );
    assert_eq!(functions(&p), ["total", "block in show", "process_action"]);
    assert_eq!(in_app(&p), [true, true, false]);
}

#[test]
fn semantic_logger_json() {
    let raw = r#"{"host":"web-1","application":"shop","environment":"production","timestamp":"2024-05-01T12:00:00.123456Z","level":"error","name":"CartsController","message":"Checkout failed","exception":{"name":"NoMethodError","message":"undefined method 'price' for nil","stack_trace":["/app/models/cart.rb:42:in 'Cart#total'","/app/controllers/carts_controller.rb:10:in 'CartsController#show'"]}}"#;
    let p = parse_message(raw);
    assert_eq!(p.message, "Checkout failed");
    assert_eq!(p.exception_type.as_deref(), Some("NoMethodError"));
    assert_eq!(functions(&p), ["total", "show"]);
    assert_eq!(p.service.as_deref(), Some("shop"));
    assert_eq!(p.environment.as_deref(), Some("production"));
}
