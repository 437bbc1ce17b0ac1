/*
 * apl-lite: draws this project's APL documents as HTML and SVG, for screenshots in a headless browser.
 *
 * Amazon's web viewhost (npm apl-viewhost-web) downloads its renderer from Amazon's CDN when it is
 * installed, which an offline machine cannot reach; this is the stand-in. It reads the very documents
 * and data sources the skill sends and evaluates their data binding, `when`, `bind`, `data` and
 * `display` for a given viewport and moment (elapsedTime), for the components those documents use:
 * Container, Frame, Text, TouchWrapper, GridSequence, VectorGraphic (AVG paths) and, from the Alexa
 * Design System, AlexaHeader and the alexa-styles text styles (approximated). It is not a full APL
 * renderer: the pictures show layout, words and colours, not every pixel a device would draw.
 */
"use strict";

const TEXT_STYLES = {
  textStyleDisplay1: {fontSize: 96, fontWeight: 200}, textStyleDisplay2: {fontSize: 80, fontWeight: 200},
  textStyleDisplay3: {fontSize: 64, fontWeight: 300}, textStyleDisplay4: {fontSize: 52, fontWeight: 300},
  textStyleDisplay5: {fontSize: 42, fontWeight: 300}, textStyleDisplay6: {fontSize: 34, fontWeight: 400},
  textStyleCallout: {fontSize: 34, fontWeight: 400}, textStyleBody: {fontSize: 26, fontWeight: 400},
  textStyleDetail: {fontSize: 20, fontWeight: 400}, textStyleHint: {fontSize: 20, fontWeight: 400, fontStyle: "italic", opacity: 0.75},
};

function evaluate(expression, scope) {
  const names = Object.keys(scope);
  // APL's expression language is a subset of JavaScript's for everything these documents use.
  return Function(...names, `"use strict"; return (${expression});`)(...names.map((n) => scope[n]));
}

function resolve(value, scope) {
  if (typeof value === "string") {
    const whole = value.match(/^\$\{([^}]*)\}$/);
    if (whole) return evaluate(whole[1], scope);
    return value.replace(/\$\{([^}]*)\}/g, (_, e) => { const v = evaluate(e, scope); return v === null || v === undefined ? "" : String(v); });
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, scope));
  return value;
}

function colour(value) {
  if (typeof value !== "string") return value;
  const m = value.match(/^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})$/);  // APL #RRGGBBAA
  if (m) return `rgba(${parseInt(m[1].slice(0, 2), 16)},${parseInt(m[1].slice(2, 4), 16)},${parseInt(m[1].slice(4, 6), 16)},${(parseInt(m[2], 16) / 255).toFixed(3)})`;
  return value;
}

function dimension(value, viewport) {
  if (value === undefined || value === null || value === "auto") return null;
  if (typeof value === "number") return `${value}px`;
  const m = String(value).trim().match(/^(-?[\d.]+)\s*(vw|vh|dp|px|%)?$/);
  if (!m) return null;
  const n = parseFloat(m[1]);
  switch (m[2]) {
    case "vw": return `${(n * viewport.width) / 100}px`;
    case "vh": return `${(n * viewport.height) / 100}px`;
    case "%": return `${n}%`;
    default: return `${n}px`;
  }
}

class Renderer {
  constructor(doc, datasources, viewport, elapsedTime, globals) {
    this.doc = doc;
    this.viewport = viewport;
    this.graphics = doc.graphics || {};
    const parameters = (doc.mainTemplate.parameters || []);
    // `globals`: what an extension binds by name (a widget's data store object), as the device would.
    this.root = Object.assign({viewport, elapsedTime, Math}, globals || {});
    for (const p of parameters) this.root[p] = datasources;
  }

  props(component, scope) {
    const bound = Object.assign({}, scope);
    for (const b of component.bind || []) bound[b.name] = resolve(b.value, bound);
    const out = {};
    for (const [k, v] of Object.entries(component)) {
      if (["item", "items", "data", "bind", "onPress", "graphics"].includes(k)) continue;
      out[k] = resolve(v, bound);
    }
    return [out, bound];
  }

  // A list of children: with `data`, one inflated item per datum; otherwise every item whose `when` holds.
  children(component, scope) {
    const items = component.items || (component.item ? [component.item] : []);
    const list = Array.isArray(items) ? items : [items];
    if (component.data !== undefined) {
      const data = resolve(component.data, scope) || [];
      return data.map((datum, index) => {
        const s = Object.assign({}, scope, {data: datum, index});
        const chosen = list.find((c) => c.when === undefined || resolve(c.when, s));
        return chosen ? this.build(chosen, s) : null;
      }).filter(Boolean);
    }
    return list.filter((c) => c.when === undefined || resolve(c.when, scope)).map((c) => this.build(c, scope));
  }

  firstChild(items, scope) {
    const list = Array.isArray(items) ? items : [items];
    const chosen = list.find((c) => c.when === undefined || resolve(c.when, scope));
    return chosen ? this.build(chosen, scope) : null;
  }

  box(el, p) {
    const vp = this.viewport;
    for (const [prop, css] of [["width", "width"], ["height", "height"], ["minWidth", "minWidth"], ["maxWidth", "maxWidth"]]) {
      const d = dimension(p[prop], vp);
      if (d) el.style[css] = d;
    }
    for (const side of ["Top", "Bottom", "Left", "Right"]) {
      const d = dimension(p["padding" + side], vp);
      if (d) el.style["padding" + side] = d;
    }
    if (p.grow) el.style.flexGrow = p.grow;
    el.style.flexShrink = p.shrink === undefined ? 0 : p.shrink;  // APL's default, unlike CSS's
    if (p.display === "none" || p.display === "invisible") el.style.display = "none";
    if (p.spacing) el.dataset.spacing = dimension(p.spacing, vp);
    el.style.boxSizing = "border-box";
    return el;
  }

  build(component, scope) {
    const [p, bound] = this.props(component, scope);
    const make = this["make" + p.type];
    if (!make) throw new Error(`apl-lite has no ${p.type}`);
    const el = make.call(this, p, component, bound);
    this.box(el, p);
    if (p.display === "none") el.style.display = "none";
    return el;
  }

  flex(el, p, direction) {
    el.style.display = "flex";
    el.style.flexDirection = direction;
    const map = {start: "flex-start", end: "flex-end", center: "center", spaceBetween: "space-between", spaceAround: "space-around", stretch: "stretch"};
    el.style.alignItems = map[p.alignItems] || "stretch";
    el.style.justifyContent = map[p.justifyContent] || "flex-start";
  }

  makeContainer(p, component, scope) {
    const el = document.createElement("div");
    this.flex(el, p, p.direction === "row" ? "row" : "column");
    for (const child of this.children(component, scope)) {
      if (child.dataset.spacing && el.children.length) child.style[p.direction === "row" ? "marginLeft" : "marginTop"] = child.dataset.spacing;
      if (p.alignItems === undefined) child.style.alignSelf = "stretch";
      el.appendChild(child);
    }
    return el;
  }

  makeFrame(p, component, scope) {
    const el = document.createElement("div");
    this.flex(el, p, "column");
    if (p.backgroundColor) el.style.background = colour(p.backgroundColor);
    if (p.borderRadius !== undefined) el.style.borderRadius = dimension(p.borderRadius, this.viewport);
    if (p.borderWidth) el.style.border = `${dimension(p.borderWidth, this.viewport)} solid ${colour(p.borderColor || "transparent")}`;
    const child = component.item || component.items ? this.firstChild(component.item || component.items, scope) : null;
    if (child) el.appendChild(child);
    return el;
  }

  makeTouchWrapper(p, component, scope) {
    const el = document.createElement("div");
    this.flex(el, p, "column");
    const child = this.firstChild(component.item || component.items, scope);
    if (child) el.appendChild(child);
    return el;
  }

  makeText(p) {
    const el = document.createElement("div");
    const style = TEXT_STYLES[p.style] || TEXT_STYLES.textStyleBody;
    el.textContent = p.text === undefined ? "" : String(p.text);
    el.style.fontSize = dimension(p.fontSize, this.viewport) || `${style.fontSize}px`;
    el.style.fontWeight = p.fontWeight === "bold" ? 700 : p.fontWeight || style.fontWeight;
    if (style.fontStyle) el.style.fontStyle = style.fontStyle;
    if (style.opacity) el.style.opacity = style.opacity;
    el.style.color = colour(p.color || "#FAFAFA");
    el.style.textAlign = p.textAlign || "left";
    el.style.lineHeight = "1.25";
    if (p.maxLines) {
      el.style.display = "-webkit-box";
      el.style.webkitBoxOrient = "vertical";
      el.style.webkitLineClamp = p.maxLines;
      el.style.overflow = "hidden";
    }
    return el;
  }

  makeGridSequence(p, component, scope) {
    const el = document.createElement("div");
    el.style.display = "flex";
    el.style.flexWrap = "wrap";
    el.style.alignContent = "flex-start";
    el.style.overflow = "hidden";
    for (const child of this.children(component, scope)) {
      const cell = document.createElement("div");
      cell.style.width = dimension(p.childWidth, this.viewport);
      cell.style.height = dimension(p.childHeight, this.viewport);
      cell.style.display = "flex";
      cell.appendChild(child);
      el.appendChild(cell);
    }
    return el;
  }

  makeVectorGraphic(p) {
    const graphic = this.graphics[p.source];
    const scope = {};
    for (const param of graphic.parameters || []) scope[param.name] = p[param.name] !== undefined ? p[param.name] : param.default;
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", `0 0 ${graphic.width} ${graphic.height}`);
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    for (const item of graphic.items) {
      const r = {};
      for (const [k, v] of Object.entries(item)) r[k] = resolve(v, scope);
      if (r.type !== "path" || !r.pathData) continue;
      const path = document.createElementNS(ns, "path");
      path.setAttribute("d", r.pathData);
      path.setAttribute("fill", colour(r.fill || "none"));
      path.setAttribute("stroke", colour(r.stroke || "none"));
      path.setAttribute("stroke-width", r.strokeWidth || 1);
      path.setAttribute("stroke-linecap", r.strokeLineCap || "butt");
      path.setAttribute("stroke-linejoin", r.strokeLineJoin || "miter");
      svg.appendChild(path);
    }
    const el = document.createElement("div");
    el.appendChild(svg);
    svg.style.width = "100%";
    svg.style.height = "100%";
    return el;
  }

  // alexa-layouts' AlexaHeader, approximated: title, subtitle, and the attribution on the right.
  makeAlexaHeader(p) {
    const el = document.createElement("div");
    el.style.display = "flex";
    el.style.justifyContent = "space-between";
    el.style.alignItems = "center";
    el.style.padding = this.viewport.mode === "tv" ? "32px 8vw 8px" : "24px 5vw 8px";
    const left = document.createElement("div");
    const title = document.createElement("div");
    title.textContent = p.headerTitle || "";
    title.style.fontSize = "26px";
    left.appendChild(title);
    if (p.headerSubtitle) {
      const sub = document.createElement("div");
      sub.textContent = p.headerSubtitle;
      sub.style.fontSize = "18px";
      sub.style.opacity = 0.7;
      left.appendChild(sub);
    }
    const right = document.createElement("div");
    right.textContent = p.headerAttributionText || "";
    right.style.fontSize = "18px";
    right.style.opacity = 0.7;
    el.appendChild(left);
    el.appendChild(right);
    return el;
  }

  render(target) {
    document.body.style.background = "#000";  // outside a round screen
    document.getElementById("screen").style.background = colour(this.doc.background || "#000");
    const top = this.firstChild(this.doc.mainTemplate.items || this.doc.mainTemplate.item, this.root);
    target.appendChild(top);
  }
}

window.renderApl = function (doc, datasources, viewport, elapsedTime, globals) {
  const target = document.getElementById("screen");
  target.style.width = `${viewport.width}px`;
  target.style.height = `${viewport.height}px`;
  if (viewport.shape === "round") target.style.borderRadius = "50%";
  new Renderer(doc, datasources, viewport, elapsedTime, globals).render(target);
};
