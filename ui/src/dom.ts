// A tiny hyperscript helper: h("button", { testid: "save", onclick: save }, "Save").

export type Child = Node | string | number | null | undefined | false | Child[];

export type Props = {
  class?: string;
  testid?: string;
  [attribute: string]: unknown;
};

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "testid") {
      element.dataset.testid = String(value);
    } else if (key === "class") {
      element.className = String(value);
    } else if (key === "selected" || key === "checked") {
      // The attribute sets the default state, which survives insertion into a <select> or a form.
      element.setAttribute(key, "");
      (element as unknown as Record<string, unknown>)[key] = true;
    } else if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value as EventListener);
    } else if (key in element && key !== "list" && key !== "form") {
      (element as unknown as Record<string, unknown>)[key] = value;
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(parent, child);
    } else if (child instanceof Node) {
      parent.appendChild(child);
    } else {
      parent.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces the children of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Reads a picked file as bytes. */
export async function fileBytes(file: File): Promise<number[]> {
  const buffer = await file.arrayBuffer();
  return Array.from(new Uint8Array(buffer));
}
