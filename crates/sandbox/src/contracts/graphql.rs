//! Cutting a GraphQL schema to the operations that use it: the object fields they select
//! (with the arguments they pass), the input fields their literal arguments name, the
//! input types their variables take (whole), and every enum and scalar those reach. No
//! descriptions or directives. The result is printed as SDL and validates on its own.

use std::collections::{BTreeMap, BTreeSet};

use apollo_compiler::ast::Value as GqlValue;
use apollo_compiler::collections::IndexMap;
use apollo_compiler::executable::{Selection, SelectionSet};
use apollo_compiler::schema::{Component, ExtendedType, FieldDefinition};
use apollo_compiler::validation::Valid;
use apollo_compiler::{ExecutableDocument, Name, Schema};

/// The SDL of `upstream` cut to what `documents` (operations and fragments) use.
pub fn cut(upstream: &Valid<Schema>, documents: &str) -> Result<String, String> {
    let document =
        ExecutableDocument::parse_and_validate(upstream, documents, "operations.graphql").map_err(
            |invalid| {
                format!(
                    "the operations do not validate upstream: {}",
                    invalid.errors
                )
            },
        )?;
    let mut usage = Usage::default();
    for operation in document.operations.iter() {
        for variable in &operation.variables {
            usage.whole(upstream, variable.ty.inner_named_type());
        }
        usage.selections(upstream, &document, &operation.selection_set);
    }
    let schema = usage.apply(upstream.clone().into_inner());
    let valid = schema
        .validate()
        .map_err(|invalid| format!("the cut schema does not validate: {}", invalid.errors))?;
    Ok(valid.to_string())
}

/// What the documents use of the schema.
#[derive(Default)]
struct Usage {
    /// Every named type kept.
    types: BTreeSet<Name>,
    /// Object and interface fields selected.
    fields: BTreeMap<Name, BTreeSet<Name>>,
    /// Arguments passed, per `Type.field`.
    arguments: BTreeMap<(Name, Name), BTreeSet<Name>>,
    /// Input fields named in literal arguments, per input type.
    input_fields: BTreeMap<Name, BTreeSet<Name>>,
    /// Input types kept with every field (a variable's type and what it reaches).
    whole: BTreeSet<Name>,
}

impl Usage {
    fn selections(&mut self, schema: &Schema, document: &ExecutableDocument, set: &SelectionSet) {
        self.types.insert(set.ty.clone());
        for selection in &set.selections {
            match selection {
                Selection::Field(field) if field.name.as_str().starts_with("__") => {}
                Selection::Field(field) => {
                    let parent = set.ty.clone();
                    self.fields
                        .entry(parent.clone())
                        .or_default()
                        .insert(field.name.clone());
                    for argument in &field.arguments {
                        self.arguments
                            .entry((parent.clone(), field.name.clone()))
                            .or_default()
                            .insert(argument.name.clone());
                        if let Some(definition) = field.definition.argument_by_name(&argument.name)
                        {
                            self.value(schema, definition.ty.inner_named_type(), &argument.value);
                        }
                    }
                    self.selections(schema, document, &field.selection_set);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = document.fragments.get(&spread.fragment_name) {
                        self.selections(schema, document, &fragment.selection_set);
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.selections(schema, document, &inline.selection_set);
                }
            }
        }
    }

    /// A literal (or variable) passed where `type_name` is expected.
    fn value(&mut self, schema: &Schema, type_name: &Name, value: &GqlValue) {
        self.types.insert(type_name.clone());
        match value {
            GqlValue::Variable(_) => self.whole(schema, type_name),
            GqlValue::List(items) => {
                for item in items {
                    self.value(schema, type_name, item);
                }
            }
            GqlValue::Object(entries) => {
                let Some(ExtendedType::InputObject(input)) = schema.types.get(type_name) else {
                    return;
                };
                for (name, inner) in entries {
                    self.input_fields
                        .entry(type_name.clone())
                        .or_default()
                        .insert(name.clone());
                    if let Some(field) = input.fields.get(name) {
                        self.value(schema, field.ty.inner_named_type(), inner);
                    }
                }
            }
            _ => {}
        }
    }

    /// `type_name` with every input field, transitively.
    fn whole(&mut self, schema: &Schema, type_name: &Name) {
        self.types.insert(type_name.clone());
        if !self.whole.insert(type_name.clone()) {
            return;
        }
        if let Some(ExtendedType::InputObject(input)) = schema.types.get(type_name) {
            for field in input.fields.values() {
                self.whole(schema, field.ty.inner_named_type());
            }
        }
    }

    /// `schema` with only what was used, and without descriptions or directives.
    fn apply(&self, mut schema: Schema) -> Schema {
        schema
            .types
            .retain(|name, ty| ty.is_built_in() || self.types.contains(name));
        let kept_types = self.types.clone();
        for (name, ty) in schema.types.iter_mut().filter(|(_, t)| !t.is_built_in()) {
            match ty {
                ExtendedType::Object(object) => {
                    let object = object.make_mut();
                    object.description = None;
                    object.directives.0.clear();
                    object
                        .implements_interfaces
                        .retain(|i| kept_types.contains(&i.name));
                    self.cut_fields(name, &mut object.fields);
                }
                ExtendedType::Interface(interface) => {
                    let interface = interface.make_mut();
                    interface.description = None;
                    interface.directives.0.clear();
                    interface
                        .implements_interfaces
                        .retain(|i| kept_types.contains(&i.name));
                    self.cut_fields(name, &mut interface.fields);
                }
                ExtendedType::InputObject(input) => {
                    let input = input.make_mut();
                    input.description = None;
                    input.directives.0.clear();
                    let named = self.input_fields.get(name);
                    let whole = self.whole.contains(name);
                    input
                        .fields
                        .retain(|field, _| whole || named.is_some_and(|n| n.contains(field)));
                    for field in input.fields.values_mut() {
                        let field = field.make_mut();
                        field.description = None;
                        field.directives.0.clear();
                    }
                }
                ExtendedType::Enum(enumeration) => {
                    let enumeration = enumeration.make_mut();
                    enumeration.description = None;
                    enumeration.directives.0.clear();
                    for value in enumeration.values.values_mut() {
                        let value = value.make_mut();
                        value.description = None;
                        value.directives.0.clear();
                    }
                }
                ExtendedType::Union(union) => {
                    let union = union.make_mut();
                    union.description = None;
                    union.directives.0.clear();
                    union.members.retain(|m| kept_types.contains(&m.name));
                }
                ExtendedType::Scalar(scalar) => {
                    let scalar = scalar.make_mut();
                    scalar.description = None;
                    scalar.directives.0.clear();
                }
            }
        }
        schema.directive_definitions.retain(|_, d| d.is_built_in());
        let definition = schema.schema_definition.make_mut();
        definition.description = None;
        definition.directives.0.clear();
        definition.subscription = None;
        schema
    }

    fn cut_fields(
        &self,
        type_name: &Name,
        fields: &mut IndexMap<Name, Component<FieldDefinition>>,
    ) {
        let used = self.fields.get(type_name);
        fields.retain(|field, _| used.is_some_and(|u| u.contains(field)));
        for (field_name, field) in fields.iter_mut() {
            let field = field.make_mut();
            field.description = None;
            field.directives.0.clear();
            let passed = self.arguments.get(&(type_name.clone(), field_name.clone()));
            field
                .arguments
                .retain(|a| passed.is_some_and(|p| p.contains(&a.name)));
            for argument in &mut field.arguments {
                let argument = argument.make_mut();
                argument.description = None;
                argument.directives.0.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests;
