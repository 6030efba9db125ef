/**
 * List unpacking: `kind: List` and typed lists (`PodList`, `NamespaceList`, ...) as `kubectl get
 * -o yaml` and raw API GETs return them. Typed lists leave `kind` and `apiVersion` off their
 * items; the list's kind and apiVersion say what they are.
 */
import { isRecord } from './object-fields.js';

/** One entry of a list, with the list's kind and apiVersion filled in where the item has none. */
export interface ListItem {
  readonly index: number;
  readonly item: unknown;
}

/** Whether `object` is a List or a typed list with an `items` array. */
export function isKubernetesList(object: unknown): object is Record<string, unknown> & { items: unknown[] } {
  return isRecord(object) && typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items);
}

/** The items of a list, typed-list items completed with the kind and apiVersion the list implies. */
export function listItems(list: Record<string, unknown> & { items: unknown[] }): ListItem[] {
  const kind = list.kind as string;
  const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
  const apiVersion = list.apiVersion;
  return list.items.map((item, index) => {
    if (itemKind === undefined || !isRecord(item)) return { index, item };
    return {
      index,
      item: {
        ...(item.apiVersion === undefined && typeof apiVersion === 'string' ? { apiVersion } : {}),
        ...(item.kind === undefined ? { kind: itemKind } : {}),
        ...item,
      },
    };
  });
}

/**
 * Every object of `objects` with lists unpacked (recursively), each with its path from the top,
 * e.g. `objects[2].items[0]`.
 */
export function flattenLists(objects: readonly unknown[]): { object: unknown; location: string }[] {
  const flat: { object: unknown; location: string }[] = [];
  const visit = (object: unknown, location: string) => {
    if (isKubernetesList(object)) for (const { index, item } of listItems(object)) visit(item, `${location}.items[${index}]`);
    else flat.push({ object, location });
  };
  objects.forEach((object, index) => visit(object, `objects[${index}]`));
  return flat;
}
