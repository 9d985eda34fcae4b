//! Step 1, parse: the macro input as a generic tree of maps, lists, calls and leaves, each keeping its tokens so
//! errors point at them and expressions are passed through untouched. Syntax errors are collected, and the
//! malformed entry is skipped, so parsing goes on and every mistake is reported in one compile.

use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::Lit;

use crate::Ctx;

/// One value of the DSL with its original tokens.
pub(crate) struct Value {
    pub kind: Kind,
    pub tokens: TokenStream,
}

/// What a value looks like; which meaning it has depends on where it stands.
pub(crate) enum Kind {
    /// A literal: `"64Mi"`, `30`, `true`.
    Lit(Lit),
    /// A lone identifier: an enum variant (`NoSchedule`), a flag (`read_only`) or a constant.
    Ident(Ident),
    /// `{ key: value, ... }`.
    Map(Map),
    /// `[ value, ... ]`.
    List(Vec<Value>),
    /// `name(args)`: a volume source, a probe, an env source, or a Rust function call.
    Call(Ident, Vec<Arg>),
    /// `(args)`: a value with options, as `("/path", read_only)`.
    Tuple(Vec<Arg>),
    /// `Name { key: value }`: `RollingUpdate { max_unavailable: 1 }`.
    Struct(Ident, Map),
    /// Anything else: a Rust expression (also a `{ block }`).
    Expr,
}

/// A map with its braces' span.
pub(crate) struct Map {
    pub span: Span,
    pub entries: Vec<Entry>,
}

/// `key: value`.
pub(crate) struct Entry {
    pub key: Key,
    pub value: Value,
}

/// A key: an identifier or a string literal.
pub(crate) struct Key {
    pub name: String,
    pub tokens: TokenStream,
}

/// An argument of a call or tuple.
pub(crate) enum Arg {
    /// A positional value.
    Pos(Value),
    /// `name: value`.
    Named(Ident, Value),
}

impl Value {
    /// The Rust expression these tokens are, for positions that take one.
    /// A single token tree stays as it is; several are put in parentheses spanned like their first token, so a
    /// type error in the expression points into the user's code, not at the whole macro.
    pub fn expr(&self) -> TokenStream {
        let mut trees = self.tokens.clone().into_iter();
        match (trees.next(), trees.next()) {
            (Some(one), None) => one.into_token_stream(),
            (first, _) => {
                let mut group = Group::new(Delimiter::Parenthesis, self.tokens.clone());
                group.set_span(first.map_or_else(Span::call_site, |t| t.span()));
                group.into_token_stream()
            }
        }
    }

    /// The string literal, if the value is one.
    pub fn lit_str(&self) -> Option<&syn::LitStr> {
        match &self.kind {
            Kind::Lit(Lit::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The tokens as text without spaces: `spec.nodeName`, `limits.ephemeral-storage`.
    pub fn compact_text(&self) -> String {
        fn push(out: &mut String, tokens: TokenStream) {
            for tree in tokens {
                match tree {
                    TokenTree::Group(g) => {
                        let (open, close) = match g.delimiter() {
                            Delimiter::Parenthesis => ("(", ")"),
                            Delimiter::Brace => ("{", "}"),
                            Delimiter::Bracket => ("[", "]"),
                            Delimiter::None => ("", ""),
                        };
                        out.push_str(open);
                        push(out, g.stream());
                        out.push_str(close);
                    }
                    other => out.push_str(&other.to_string()),
                }
            }
        }
        let mut out = String::new();
        push(&mut out, self.tokens.clone());
        out
    }

    /// Whether the value is a `{ block }` or another Rust expression rather than DSL syntax.
    pub fn is_braced_expr(&self) -> bool {
        matches!(self.kind, Kind::Expr)
            && matches!(self.tokens.clone().into_iter().next(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace)
    }
}

/// Splits tokens at top-level commas (groups keep their commas); trailing empty pieces are dropped.
fn split_commas(tokens: TokenStream) -> Vec<Vec<TokenTree>> {
    let mut pieces = vec![Vec::new()];
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => pieces.push(Vec::new()),
            _ => pieces.last_mut().expect("never empty").push(tree),
        }
    }
    if pieces.last().is_some_and(Vec::is_empty) {
        pieces.pop();
    }
    pieces
}

fn stream(trees: &[TokenTree]) -> TokenStream {
    trees.iter().cloned().collect()
}

/// Whether `trees` starts with `name :` (a single colon, not `::`).
fn starts_with_key(trees: &[TokenTree]) -> bool {
    matches!(
        (trees.first(), trees.get(1), trees.get(2)),
        (Some(TokenTree::Ident(_) | TokenTree::Literal(_)), Some(TokenTree::Punct(p)), next)
            if p.as_char() == ':' && !matches!(next, Some(TokenTree::Punct(q)) if q.as_char() == ':')
    )
}

/// Whether a brace group holds a map (`{}` or `{ key: ...`) rather than a block.
fn is_map(group: &Group) -> bool {
    let trees: Vec<TokenTree> = group.stream().into_iter().collect();
    trees.is_empty() || starts_with_key(&trees)
}

/// Parses the top level (the macro input is the inside of a map).
pub(crate) fn parse_root(ctx: &mut Ctx, tokens: TokenStream) -> Map {
    parse_map_inner(ctx, Span::call_site(), tokens)
}

fn parse_map_inner(ctx: &mut Ctx, span: Span, tokens: TokenStream) -> Map {
    let mut entries = Vec::new();
    for piece in split_commas(tokens) {
        if piece.is_empty() {
            continue;
        }
        if !starts_with_key(&piece) {
            ctx.error(stream(&piece), "expected `key: value`");
            continue;
        }
        let key = match &piece[0] {
            TokenTree::Ident(ident) => Key {
                name: ident.to_string(),
                tokens: ident.to_token_stream(),
            },
            TokenTree::Literal(lit) => match syn::parse2::<Lit>(lit.to_token_stream()) {
                Ok(Lit::Str(s)) => Key {
                    name: s.value(),
                    tokens: s.to_token_stream(),
                },
                _ => {
                    ctx.error(
                        lit.to_token_stream(),
                        "expected a key: a name or a string literal",
                    );
                    continue;
                }
            },
            _ => unreachable!("checked by starts_with_key"),
        };
        let rest = &piece[2..];
        if rest.is_empty() {
            ctx.error(
                stream(&piece[..2]),
                format!("expected a value after `{}:`", key.name),
            );
            continue;
        }
        if let Some(value) = parse_value(ctx, rest) {
            entries.push(Entry { key, value });
        }
    }
    Map { span, entries }
}

fn parse_args(ctx: &mut Ctx, tokens: TokenStream) -> Vec<Arg> {
    let mut args = Vec::new();
    for piece in split_commas(tokens) {
        if piece.is_empty() {
            continue;
        }
        if starts_with_key(&piece)
            && let TokenTree::Ident(name) = &piece[0]
        {
            if piece.len() == 2 {
                ctx.error(stream(&piece), format!("expected a value after `{name}:`"));
            } else if let Some(value) = parse_value(ctx, &piece[2..]) {
                args.push(Arg::Named(name.clone(), value));
            }
            continue;
        }
        if let Some(value) = parse_value(ctx, &piece) {
            args.push(Arg::Pos(value));
        }
    }
    args
}

fn parse_value(ctx: &mut Ctx, trees: &[TokenTree]) -> Option<Value> {
    let tokens = stream(trees);
    let kind = match trees {
        [] => return None,
        [TokenTree::Literal(_)] | [TokenTree::Punct(_), TokenTree::Literal(_)] => {
            match syn::parse2::<Lit>(tokens.clone()) {
                Ok(lit) => Kind::Lit(lit),
                Err(_) => Kind::Expr,
            }
        }
        [TokenTree::Ident(ident)] if ident == "true" || ident == "false" => {
            Kind::Lit(Lit::Bool(syn::LitBool::new(ident == "true", ident.span())))
        }
        [TokenTree::Ident(ident)] => Kind::Ident(ident.clone()),
        [TokenTree::Group(g)] => match g.delimiter() {
            Delimiter::Brace if is_map(g) => Kind::Map(parse_map_inner(ctx, g.span(), g.stream())),
            Delimiter::Bracket => {
                let mut items = Vec::new();
                for piece in split_commas(g.stream()) {
                    if piece.is_empty() {
                        ctx.error(g.to_token_stream(), "expected a value between the commas");
                        continue;
                    }
                    items.extend(parse_value(ctx, &piece));
                }
                Kind::List(items)
            }
            Delimiter::Parenthesis => Kind::Tuple(parse_args(ctx, g.stream())),
            _ => Kind::Expr,
        },
        [TokenTree::Ident(name), TokenTree::Group(g)]
            if g.delimiter() == Delimiter::Parenthesis =>
        {
            Kind::Call(name.clone(), parse_args(ctx, g.stream()))
        }
        [TokenTree::Ident(name), TokenTree::Group(g)]
            if g.delimiter() == Delimiter::Brace && is_map(g) =>
        {
            // `RollingUpdate { .. }` of the DSL, unless it only parses as a Rust struct expression
            // (`Volume { name: .., ..Default::default() }`), which is then passed through as one.
            let mut trial = Ctx { errors: Vec::new() };
            let map = parse_map_inner(&mut trial, g.span(), g.stream());
            if trial.errors.is_empty() {
                Kind::Struct(name.clone(), map)
            } else {
                Kind::Expr
            }
        }
        _ => Kind::Expr,
    };
    Some(Value { kind, tokens })
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: TokenStream) -> (Map, Vec<String>) {
        let mut ctx = Ctx { errors: Vec::new() };
        let map = parse_root(&mut ctx, tokens);
        (map, ctx.errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn shapes_of_values() {
        let (map, errors) = parse(quote! {
            a: "x", b: 30, c: -1, d: true, e: NoSchedule, f: { k: "v" }, g: [1, 2], h: host_path("/p", Socket),
            i: ("/p", read_only, sub_path: "s"), j: RollingUpdate { max_surge: 1 }, k: { some_expr() },
            l: Foo { x: 1, ..Default::default() }, m: a + b, n: {},
        });
        assert!(errors.is_empty(), "{errors:?}");
        let kinds: Vec<&str> = map
            .entries
            .iter()
            .map(|e| match &e.value.kind {
                Kind::Lit(_) => "lit",
                Kind::Ident(_) => "ident",
                Kind::Map(_) => "map",
                Kind::List(_) => "list",
                Kind::Call(..) => "call",
                Kind::Tuple(_) => "tuple",
                Kind::Struct(..) => "struct",
                Kind::Expr => "expr",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "lit", "lit", "lit", "lit", "ident", "map", "list", "call", "tuple", "struct",
                "expr", "expr", "expr", "map"
            ]
        );
    }

    #[test]
    fn malformed_entries_are_reported_and_skipped() {
        let (map, errors) = parse(quote! { a: 1, b 2, c:, d: 4 });
        assert_eq!(
            map.entries
                .iter()
                .map(|e| e.key.name.as_str())
                .collect::<Vec<_>>(),
            ["a", "d"]
        );
        assert_eq!(
            errors,
            ["expected `key: value`", "expected a value after `c:`"]
        );
    }

    #[test]
    fn paths_keep_their_spelling() {
        let (map, _) = parse(quote! { a: spec.nodeName, b: limits.ephemeral-storage });
        let texts: Vec<String> = map.entries.iter().map(|e| e.value.compact_text()).collect();
        assert_eq!(texts, ["spec.nodeName", "limits.ephemeral-storage"]);
    }
}
