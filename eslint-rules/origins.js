/**
 * Where a value can come from, answered with the TypeScript checker: the "origins" of an
 * expression are the literals, object literals, `JSON.stringify` calls and functions it
 * can evaluate to, found by following constants, imports, parameters (through every call
 * site), function returns, object members (through every object that writes them) and
 * iterables (through their elements). Anything that cannot be followed is an `unproven`
 * origin with the reason, so a caller that demands proof fails closed.
 *
 * Used by read-only-network.js. Deliberately conservative: a parameter of a function that
 * escapes as a value, a mutable variable, a computed string or a value from a library all
 * end the trail.
 */
import ts from 'typescript';

const MAX_DEPTH = 24;

/** @typedef {{ kind: 'text', text: string, node: ts.Node } | { kind: 'json', arg: ts.Expression | undefined, node: ts.Node } | { kind: 'object', node: ts.ObjectLiteralExpression } | { kind: 'function', node: ts.SignatureDeclaration } | { kind: 'unproven', why: string, node: ts.Node }} Origin */

const isFunctionLike = (n) =>
  ts.isArrowFunction(n) ||
  ts.isFunctionExpression(n) ||
  ts.isFunctionDeclaration(n) ||
  ts.isMethodDeclaration(n) ||
  ts.isGetAccessorDeclaration(n);

/** Parentheses, type assertions and non-null marks do not change a value. */
export function skipOuter(e) {
  for (;;) {
    if (
      ts.isParenthesizedExpression(e) ||
      ts.isAsExpression(e) ||
      ts.isTypeAssertionExpression(e) ||
      ts.isNonNullExpression(e) ||
      ts.isSatisfiesExpression(e)
    )
      e = e.expression;
    else return e;
  }
}

const where = (node) => {
  const sf = node.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
  return `${sf.fileName.replace(/^.*?\/(src|test|eslint-rules)\//, '$1/')}:${line + 1}`;
};

export class Origins {
  /**
   * @param {ts.Program} program
   * @param {(fileName: string) => boolean} inScope files whose code is followed (the rest is a library)
   */
  constructor(program, inScope) {
    this.program = program;
    this.checker = program.getTypeChecker();
    this.inScope = inScope;
    this.index = null;
  }

  /** Symbol at a node, through import aliases. */
  symbolAt(node) {
    let s = this.checker.getSymbolAtLocation(node);
    if (s && s.flags & ts.SymbolFlags.Alias) s = this.checker.getAliasedSymbol(s);
    return s;
  }

  declInScope(d) {
    const sf = d.getSourceFile();
    return !sf.isDeclarationFile && this.inScope(sf.fileName);
  }

  /** One pass over the files in scope: references per declaration, writers per member, objects by member name. */
  build() {
    if (this.index) return this.index;
    const refs = new Map();
    const writers = new Map();
    const byName = new Map();
    const push = (m, k, v) => (m.has(k) ? m.get(k).push(v) : m.set(k, [v]));
    const c = this.checker;
    const propsOf = (type, name) => {
      if (!type) return [];
      const types = type.isUnion() || type.isIntersection() ? type.types : [type];
      return types.flatMap((t) => c.getPropertyOfType(t, name)?.declarations ?? []);
    };
    const visit = (n) => {
      if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) {
        const s = this.symbolAt(n);
        for (const d of s?.declarations ?? []) push(refs, d, n);
      } else if (ts.isObjectLiteralExpression(n)) {
        const ctx = c.getContextualType(n);
        for (const p of n.properties) {
          const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : null;
          if (name === null) continue;
          push(byName, name, p);
          for (const d of propsOf(ctx, name)) push(writers, d, p);
        }
      } else if (ts.isClassLike(n)) {
        for (const h of n.heritageClauses ?? []) {
          for (const t of h.types) {
            const type = c.getTypeAtLocation(t.expression);
            for (const m of n.members)
              if (m.name && ts.isIdentifier(m.name)) for (const d of propsOf(type, m.name.text)) push(writers, d, m);
          }
        }
        for (const m of n.members) if (m.name && ts.isIdentifier(m.name)) push(byName, m.name.text, m);
      } else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left)) {
        for (const d of this.symbolAt(n.left.name)?.declarations ?? []) push(writers, d, n.right);
      }
      ts.forEachChild(n, visit);
    };
    for (const sf of this.program.getSourceFiles()) if (!sf.isDeclarationFile && this.inScope(sf.fileName)) visit(sf);
    this.index = { refs, writers, byName };
    return this.index;
  }

  /**
   * Values written to an interface, type-literal or class member: object literals typed by
   * it, classes implementing it, assignments to it, and — because typing is structural —
   * any other object or class in scope with a member of that name whose type fits the
   * member's owner.
   */
  writersOf(decl) {
    const { writers, byName } = this.build();
    const out = new Set(writers.get(decl) ?? []);
    const name = decl.name && (ts.isIdentifier(decl.name) || ts.isStringLiteral(decl.name)) ? decl.name.text : null;
    const owner = decl.parent;
    if (name !== null && owner && (ts.isInterfaceDeclaration(owner) || ts.isTypeLiteralNode(owner) || ts.isClassLike(owner))) {
      const ownerType =
        ts.isClassLike(owner) && owner.name
          ? this.checker.getDeclaredTypeOfSymbol(this.symbolAt(owner.name))
          : this.checker.getTypeAtLocation(owner);
      for (const p of byName.get(name) ?? []) {
        if (out.has(p) || p === decl) continue;
        const holder = p.parent;
        const holderType =
          ts.isClassLike(holder) && holder.name
            ? this.checker.getDeclaredTypeOfSymbol(this.symbolAt(holder.name))
            : this.checker.getTypeAtLocation(holder);
        if (this.checker.isTypeAssignableTo(holderType, ownerType)) out.add(p);
      }
    }
    return [...out];
  }

  /**
   * The origins of `expr`. `mode` 'elements' asks for the elements of an iterable (for-of,
   * spread) instead of the value itself.
   * @returns {Origin[]}
   */
  of(expr, mode = 'value', depth = 0, seen = { value: new Set(), elements: new Set() }) {
    const e = skipOuter(expr);
    // A node already followed in this mode adds nothing new (and ends cycles).
    if (seen[mode].has(e)) return [];
    if (depth > MAX_DEPTH) return [{ kind: 'unproven', why: 'a trail too long to follow', node: e }];
    seen[mode].add(e);
    const next = (x, m = mode) => this.of(x, m, depth + 1, seen);
    if (mode === 'elements' && ts.isArrayLiteralExpression(e)) {
      return e.elements.flatMap((el) => (ts.isSpreadElement(el) ? next(el.expression, 'elements') : next(el, 'value')));
    }
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e))
      return mode === 'value' ? [{ kind: 'text', text: e.text, node: e }] : [{ kind: 'unproven', why: 'a string iterated', node: e }];
    if (ts.isObjectLiteralExpression(e)) return [{ kind: 'object', node: e }];
    if (isFunctionLike(e)) return [{ kind: 'function', node: e }];
    if (ts.isConditionalExpression(e)) return [...next(e.whenTrue), ...next(e.whenFalse)];
    if (
      ts.isBinaryExpression(e) &&
      [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(e.operatorToken.kind)
    ) {
      return [...next(e.left), ...next(e.right)];
    }
    if (ts.isCallExpression(e)) return this.ofCall(e, mode, next);
    if (ts.isIdentifier(e)) return this.ofSymbol(this.symbolAt(e), e, mode, next);
    if (ts.isPropertyAccessExpression(e)) return this.ofSymbol(this.symbolAt(e.name), e, mode, next);
    if (ts.isTemplateExpression(e)) return [{ kind: 'unproven', why: 'a template string', node: e }];
    return [{ kind: 'unproven', why: `a ${ts.SyntaxKind[e.kind]}`, node: e }];
  }

  ofCall(call, mode, next) {
    if (this.isJsonStringify(call))
      return mode === 'value'
        ? [{ kind: 'json', arg: call.arguments[0], node: call }]
        : [{ kind: 'unproven', why: 'a string iterated', node: call }];
    const fns = next(call.expression, 'value');
    return fns.flatMap((o) => {
      if (o.kind === 'unproven') return [o];
      if (o.kind !== 'function') return [{ kind: 'unproven', why: 'a call of something not a function', node: call }];
      return this.returnsOf(o.node).flatMap((r) => next(r, mode));
    });
  }

  isJsonStringify(call) {
    const d = this.checker.getResolvedSignature(call)?.declaration;
    return (
      !!d &&
      d.getSourceFile().isDeclarationFile &&
      d.name?.getText() === 'stringify' &&
      ts.isInterfaceDeclaration(d.parent) &&
      d.parent.name.text === 'JSON'
    );
  }

  returnsOf(fn) {
    if (!fn.body) return [];
    if (!ts.isBlock(fn.body)) return [fn.body];
    const out = [];
    const visit = (n) => {
      if (n !== fn.body && isFunctionLike(n)) return;
      if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
      ts.forEachChild(n, visit);
    };
    visit(fn.body);
    return out;
  }

  ofSymbol(sym, at, mode, next) {
    const decls = sym?.declarations ?? [];
    if (decls.length === 0) return [{ kind: 'unproven', why: `${at.getText()} has no declaration`, node: at }];
    return decls.flatMap((d) => this.ofDeclaration(d, at, mode, next));
  }

  ofDeclaration(d, at, mode, next) {
    if (!this.declInScope(d)) return [{ kind: 'unproven', why: `${at.getText()} comes from a library`, node: at }];
    if (ts.isVariableDeclaration(d)) {
      const list = d.parent;
      if (ts.isVariableDeclarationList(list) && ts.isForOfStatement(list.parent)) return next(list.parent.expression, 'elements');
      if (!(ts.getCombinedNodeFlags(d) & ts.NodeFlags.Const) || !d.initializer || !ts.isIdentifier(d.name))
        return [{ kind: 'unproven', why: `${at.getText()} is not a constant`, node: at }];
      return next(d.initializer);
    }
    if (ts.isParameter(d)) return this.ofParameter(d, at, mode, next);
    if (isFunctionLike(d)) {
      const self = ts.isGetAccessorDeclaration(d) ? this.returnsOf(d).flatMap((r) => next(r)) : [{ kind: 'function', node: d }];
      // A class member may be overridden in a subclass: the overrides are values too.
      const inClass = (ts.isMethodDeclaration(d) || ts.isGetAccessorDeclaration(d)) && ts.isClassLike(d.parent);
      return inClass
        ? [
            ...self,
            ...this.writersOf(d)
              .filter((w) => w !== d)
              .flatMap((w) => this.ofWriter(w, next)),
          ]
        : self;
    }
    if (ts.isPropertyAssignment(d))
      return [
        ...next(d.initializer),
        ...this.writersOf(d)
          .filter((w) => w !== d)
          .flatMap((w) => this.ofWriter(w, next)),
      ];
    if (ts.isShorthandPropertyAssignment(d)) return this.ofSymbol(this.checker.getShorthandAssignmentValueSymbol(d), at, mode, next);
    if (ts.isPropertyDeclaration(d))
      return [...(d.initializer ? next(d.initializer) : []), ...this.writersOf(d).flatMap((w) => this.ofWriter(w, next))];
    if (ts.isPropertySignature(d) || ts.isMethodSignature(d)) return this.writersOf(d).flatMap((w) => this.ofWriter(w, next));
    if (ts.isFunctionTypeNode(d) && d.parent && (ts.isPropertySignature(d.parent) || ts.isPropertyDeclaration(d.parent)))
      return this.ofDeclaration(d.parent, at, mode, next);
    return [{ kind: 'unproven', why: `${at.getText()} is a ${ts.SyntaxKind[d.kind]}`, node: at }];
  }

  /** A writer is an object member, a class member or the right side of an assignment. */
  ofWriter(w, next) {
    if (ts.isPropertyAssignment(w)) return next(w.initializer);
    if (ts.isShorthandPropertyAssignment(w)) return next(w.name);
    if (isFunctionLike(w))
      return ts.isGetAccessorDeclaration(w) ? this.returnsOf(w).flatMap((r) => next(r)) : [{ kind: 'function', node: w }];
    if (ts.isPropertyDeclaration(w)) return w.initializer ? next(w.initializer) : [];
    if (ts.isExpression(w)) return next(w);
    return [{ kind: 'unproven', why: `a ${ts.SyntaxKind[w.kind]} member`, node: w }];
  }

  /**
   * A parameter's values are the arguments at every call site — followed only for named
   * functions and methods whose every reference is a direct call, so no caller is missed.
   */
  ofParameter(p, at, mode, next) {
    const fn = p.parent;
    const index = fn.parameters.indexOf(p);
    const named =
      ts.isFunctionDeclaration(fn) || (ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent)) || ts.isConstructorDeclaration(fn);
    if (!named || !ts.isIdentifier(p.name) || p.dotDotDotToken)
      return [{ kind: 'unproven', why: `${at.getText()} is a parameter of a callback`, node: at }];
    // An overriding method is also called through its base type, whose callers we do not index.
    if (ts.isMethodDeclaration(fn) && fn.parent.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword)) {
      return [{ kind: 'unproven', why: `${fn.name.getText()} may override a method called through its base class`, node: at }];
    }
    const target = ts.isConstructorDeclaration(fn) ? fn.parent : fn;
    const { refs } = this.build();
    const out = p.initializer ? next(p.initializer) : [];
    let calls = 0;
    for (const r of refs.get(target) ?? []) {
      if (r === target.name || ts.isImportSpecifier(r.parent) || ts.isExportSpecifier(r.parent) || ts.isImportClause(r.parent)) continue;
      // A subclass may call the constructor through `super(…)`, which no reference shows.
      if (ts.isExpressionWithTypeArguments(r.parent) && r.parent.parent.token === ts.SyntaxKind.ExtendsKeyword) {
        return [{ kind: 'unproven', why: `${target.name?.getText() ?? 'a class'} is extended at ${where(r)}`, node: at }];
      }
      const callee = ts.isPropertyAccessExpression(r.parent) && r.parent.name === r ? r.parent : r;
      const call = callee.parent;
      const direct = call && (ts.isCallExpression(call) || ts.isNewExpression(call)) && call.expression === callee;
      // A class name used as a type, or in `implements`, is not a value reference.
      if (!direct && (ts.isTypeReferenceNode(r.parent) || ts.isExpressionWithTypeArguments(r.parent) || ts.isTypeQueryNode(r.parent)))
        continue;
      if (!direct)
        return [{ kind: 'unproven', why: `${target.name?.getText() ?? 'a function'} escapes as a value at ${where(r)}`, node: at }];
      calls += 1;
      const arg = call.arguments?.[index];
      if (arg) out.push(...next(arg));
    }
    // Called from nowhere we can see: its callers are outside the followed code.
    if (calls === 0)
      return [{ kind: 'unproven', why: `${target.name?.getText() ?? 'a function'} has no caller in the followed code`, node: at }];
    return out;
  }
}
