//! Cutting JSON contracts: prose by keyword, never by name; unions cut to the members
//! listed; only what the kept parts reference.

use serde_json::json;

use super::*;

fn members(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

#[test]
fn prose_goes_by_keyword_and_a_property_named_like_prose_stays() {
    let upstream = json!({
        "title": "Repo", "description": "A repository.", "x-github": {"a": 1},
        "type": "object", "required": ["description"],
        "properties": {
            "description": {"type": "string", "description": "What it is", "example": "x"},
            "title": {"type": ["string", "null"], "maxLength": 10, "examples": ["y"]}
        }
    });
    assert_eq!(
        schema(&upstream, None),
        json!({
            "type": "object", "required": ["description"],
            "properties": {
                "description": {"type": "string"},
                "title": {"type": ["string", "null"], "maxLength": 10}
            }
        })
    );
}

#[test]
fn unions_keep_the_members_listed_and_stay_whole_when_they_name_none() {
    let upstream = json!({
        "properties": {
            "block": {"anyOf": [{"$ref": "#/$defs/Text"}, {"$ref": "#/$defs/Image"}, {"type": "null"}]},
            "color": {"anyOf": [{"$ref": "#/$defs/Colors"}, {"type": "null"}]},
            "wrapped": {"oneOf": [
                {"required": ["type"], "allOf": [{"$ref": "#/definitions/Image"}]},
                {"required": ["type"], "allOf": [{"$ref": "#/definitions/Text"}]}
            ]}
        }
    });
    let cut = schema(&upstream, Some(&members(&["Text"])));
    assert_eq!(
        cut["properties"]["block"]["anyOf"],
        json!([{"$ref": "#/$defs/Text"}, {"type": "null"}])
    );
    assert_eq!(cut["properties"]["color"], upstream["properties"]["color"]);
    assert_eq!(
        cut["properties"]["wrapped"]["oneOf"],
        json!([{"required": ["type"], "allOf": [{"$ref": "#/definitions/Text"}]}])
    );
    assert_eq!(schema(&upstream, None), upstream, "no members: nothing cut");
}

#[test]
fn a_json_schema_keeps_only_the_definitions_still_reached() {
    let upstream = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "properties": {"content": {"anyOf": [{"$ref": "#/$defs/Text"}, {"$ref": "#/$defs/Image"}]}},
        "$defs": {
            "Text": {"properties": {"citation": {"$ref": "#/$defs/Citation"}}},
            "Citation": {"type": "string"},
            "Image": {"properties": {"source": {"$ref": "#/$defs/Source"}}},
            "Source": {"type": "string"},
            "Unused": {"type": "integer"}
        }
    });
    let cut = json_schema(&upstream, Some(&["Text"])).unwrap();
    let mut kept: Vec<&String> = cut["$defs"].as_object().unwrap().keys().collect();
    kept.sort();
    assert_eq!(kept, ["Citation", "Text"]);
    assert_eq!(cut["$schema"], upstream["$schema"]);
    assert_eq!(
        json_schema(&upstream, Some(&["Nope"])).unwrap_err(),
        "union member Nope is not defined upstream"
    );
}

fn api() -> Value {
    json!({
        "openapi": "3.0.3", "info": {"title": "Shop", "version": "1", "description": "prose"},
        "servers": [{"url": "https://api.example", "description": "prod"}],
        "paths": {
            "/carts/{id}": {
                "parameters": [{"$ref": "#/components/parameters/id"}],
                "get": {
                    "operationId": "getCart", "summary": "Get", "tags": ["carts"],
                    "responses": {"200": {
                        "description": "OK",
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/cart"},
                            "examples": {"one": {"$ref": "#/components/examples/cart-one"}}
                        }}
                    }}
                },
                "delete": {"operationId": "deleteCart", "responses": {"204": {"description": "gone"}}}
            },
            "/users": {"get": {"responses": {"200": {"description": "OK", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/user"}}
            }}}}}
        },
        "components": {
            "parameters": {"id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "x", "x-multi-segment": true}},
            "schemas": {
                "cart": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/user"}}},
                "user": {"type": "object", "description": "A user"},
                "order": {"type": "object"}
            },
            "examples": {"cart-one": {"summary": "A cart", "value": {"owner": {"description": "kept as data"}}}},
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer", "description": "prose"}}
        }
    })
}

#[test]
fn an_openapi_cut_keeps_the_operations_listed_and_what_they_reference() {
    let cut = openapi(&api(), &["GET /carts/{id}"], &[], None).unwrap();
    assert_eq!(cut["info"], json!({"title": "Shop", "version": "1"}));
    assert_eq!(cut["servers"], json!([{"url": "https://api.example"}]));
    let item = cut["paths"]["/carts/{id}"].as_object().unwrap();
    assert_eq!(item.keys().collect::<Vec<_>>(), ["get", "parameters"]);
    assert_eq!(cut["paths"].as_object().unwrap().len(), 1);
    assert_eq!(
        cut["paths"]["/carts/{id}"]["get"],
        json!({"operationId": "getCart", "responses": {"200": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/cart"}
        }}}}})
    );
    let schemas = cut["components"]["schemas"].as_object().unwrap();
    let mut names: Vec<&String> = schemas.keys().collect();
    names.sort();
    assert_eq!(
        names,
        ["cart", "user"],
        "user through cart; order unreferenced"
    );
    assert_eq!(
        cut["components"]["schemas"]["user"],
        json!({"type": "object"})
    );
    assert_eq!(
        cut["components"]["parameters"]["id"],
        json!({"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "x-multi-segment": true})
    );
    assert!(cut["components"].get("examples").is_none());
    assert_eq!(
        cut["components"]["securitySchemes"],
        json!({"token": {"type": "http", "scheme": "bearer"}})
    );
}

#[test]
fn an_openapi_cut_keeps_examples_as_data_only_where_asked() {
    let cut = openapi(&api(), &["GET /carts/{id}"], &["GET /carts/{id}"], None).unwrap();
    assert_eq!(
        cut["components"]["examples"]["cart-one"],
        json!({"value": {"owner": {"description": "kept as data"}}})
    );
    assert_eq!(
        openapi(&api(), &["PATCH /carts/{id}"], &[], None).unwrap_err(),
        "PATCH /carts/{id} is not an operation upstream"
    );
    assert_eq!(
        openapi(&api(), &["GET /nope"], &[], None).unwrap_err(),
        "/nope is not a path upstream"
    );
}

#[test]
fn a_botocore_cut_keeps_the_operations_their_shapes_and_the_extra_shapes() {
    let model = json!({
        "version": "2.0", "metadata": {"protocol": "json"},
        "operations": {
            "Get": {"name": "Get", "input": {"shape": "GetRequest"}, "errors": [{"shape": "Missing"}], "documentation": "<p>x</p>"},
            "Put": {"name": "Put", "input": {"shape": "PutRequest"}}
        },
        "shapes": {
            "GetRequest": {"type": "structure", "members": {"names": {"shape": "Names", "documentation": "d"}}},
            "Names": {"type": "list", "member": {"shape": "Name"}},
            "Name": {"type": "string", "max": 512},
            "Missing": {"type": "structure", "exception": true, "members": {}},
            "Throttled": {"type": "structure", "exception": true, "members": {}},
            "PutRequest": {"type": "structure", "members": {}}
        }
    });
    let cut = botocore(&model, &["Get"], &["Throttled"]).unwrap();
    assert_eq!(
        cut["operations"],
        json!({"Get": {"name": "Get", "input": {"shape": "GetRequest"}, "errors": [{"shape": "Missing"}]}})
    );
    let mut shapes: Vec<&String> = cut["shapes"].as_object().unwrap().keys().collect();
    shapes.sort();
    assert_eq!(
        shapes,
        ["GetRequest", "Missing", "Name", "Names", "Throttled"]
    );
    assert_eq!(
        cut["shapes"]["GetRequest"]["members"]["names"],
        json!({"shape": "Names"})
    );
    assert!(botocore(&model, &["Delete"], &[]).is_err());
}
