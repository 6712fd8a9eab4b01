//! Requests: completion, hover, definition, references, rename and formatting, each
//! answered from the directory of the document it names, as the editor has it now.

use std::path::PathBuf;

use lsp_server::{ErrorCode, Request, RequestId, Response};
use lsp_types::request::{
    Completion, Formatting, GotoDefinition, HoverRequest, References, Rename, Request as _,
};
use lsp_types::{
    CompletionParams, DocumentFormattingParams, GotoDefinitionParams, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, ReferenceParams, RenameParams,
    TextDocumentPositionParams, Url,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::documents::{path_of, Documents};
use crate::position::LineIndex;
use crate::project::Project;

fn params<P: DeserializeOwned>(value: Value) -> Option<P> {
    serde_json::from_value(value).ok()
}

/// The response to `req`.
pub(crate) fn answer(docs: &Documents, req: Request) -> Response {
    let id = req.id.clone();
    let result = match req.method.as_str() {
        Completion::METHOD => params::<CompletionParams>(req.params)
            .map(|p| completion(docs, &p.text_document_position)),
        HoverRequest::METHOD => {
            params::<HoverParams>(req.params).map(|p| hover(docs, &p.text_document_position_params))
        }
        GotoDefinition::METHOD => params::<GotoDefinitionParams>(req.params)
            .map(|p| definition(docs, &p.text_document_position_params)),
        References::METHOD => params::<ReferenceParams>(req.params).map(|p| {
            references(
                docs,
                &p.text_document_position,
                p.context.include_declaration,
            )
        }),
        Rename::METHOD => match params::<RenameParams>(req.params) {
            Some(p) => return rename(docs, id, &p),
            None => None,
        },
        Formatting::METHOD => params::<DocumentFormattingParams>(req.params)
            .map(|p| format(docs, &p.text_document.uri)),
        _ => {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unsupported request `{}`", req.method),
            )
        }
    };
    match result {
        Some(value) => Response::new_ok(id, value),
        None => Response::new_err(
            id,
            ErrorCode::InvalidParams as i32,
            format!("invalid parameters for `{}`", req.method),
        ),
    }
}

/// The project, the path and the byte offset of a position.
fn locate(docs: &Documents, at: &TextDocumentPositionParams) -> Option<(Project, PathBuf, usize)> {
    let path = path_of(&at.text_document.uri)?;
    let project = Project::of(&path, docs);
    let text = &project.file(&path)?.text;
    let offset = LineIndex::new(text).offset(at.position);
    Some((project, path, offset))
}

fn completion(docs: &Documents, at: &TextDocumentPositionParams) -> Value {
    let Some((project, path, offset)) = locate(docs, at) else {
        return Value::Null;
    };
    let Some(file) = project.file(&path) else {
        return Value::Null;
    };
    let items = crate::completion::complete(&project, &file.text, offset);
    serde_json::to_value(items).unwrap_or(Value::Null)
}

fn hover(docs: &Documents, at: &TextDocumentPositionParams) -> Value {
    let Some((project, path, offset)) = locate(docs, at) else {
        return Value::Null;
    };
    let Some(markdown) = crate::hover::hover(&project, &path, offset) else {
        return Value::Null;
    };
    let hover = Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: None,
    };
    serde_json::to_value(hover).unwrap_or(Value::Null)
}

fn definition(docs: &Documents, at: &TextDocumentPositionParams) -> Value {
    let Some((project, path, offset)) = locate(docs, at) else {
        return Value::Null;
    };
    let found = crate::navigate::definition(&project, &path, offset);
    serde_json::to_value(found).unwrap_or(Value::Null)
}

fn references(docs: &Documents, at: &TextDocumentPositionParams, with_declaration: bool) -> Value {
    let Some((project, path, offset)) = locate(docs, at) else {
        return Value::Null;
    };
    let found = crate::navigate::references(&project, &path, offset, with_declaration);
    serde_json::to_value(found).unwrap_or(Value::Null)
}

fn rename(docs: &Documents, id: RequestId, p: &RenameParams) -> Response {
    let Some((project, path, offset)) = locate(docs, &p.text_document_position) else {
        return Response::new_ok(id, Value::Null);
    };
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let in_module = crate::calling::config_root(dir, docs) != dir;
    match crate::rename::rename(&project, &path, offset, &p.new_name, in_module) {
        Ok(edit) => Response::new_ok(id, edit),
        Err(e) => Response::new_err(id, ErrorCode::RequestFailed as i32, e.to_string()),
    }
}

fn format(docs: &Documents, uri: &Url) -> Value {
    let Some(path) = path_of(uri) else {
        return Value::Null;
    };
    let Some(text) = docs.text(&path) else {
        return Value::Null;
    };
    serde_json::to_value(crate::format::format(&path, &text)).unwrap_or(Value::Null)
}
