// Topic names and filters [MQTT-4.7]: validation of what the user passes in, and filter matching.
import { FAST } from "./features";

// No RegExp: on Espruino a regex literal held by the module costs 16-19 blocks for as long as it is
// loaded, and each indexOf here is one native call.

/** A topic name to publish to: non-empty, at most 65,535 characters, no wildcard, no NUL [MQTT-4.7.3-1, 4.7.3-2]. */
export function validTopic(t: unknown): boolean {
  return typeof t == "string" && t.length > 0 && t.length <= 65535 && t.indexOf("+") < 0 && t.indexOf("#") < 0 && t.indexOf("\0") < 0;
}

/** A topic filter: `+` fills a whole level, `#` is a whole last level [MQTT-4.7.1-2, 4.7.1-3]; no NUL. */
export function validFilter(f: unknown): boolean {
  if (typeof f != "string" || !f.length || f.indexOf("\0") >= 0) return false;
  const n = f.length;
  for (let i = f.indexOf("+"); i >= 0; i = f.indexOf("+", i + 1)) if ((i && f.charCodeAt(i - 1) != 47) || (i + 1 < n && f.charCodeAt(i + 1) != 47)) return false;
  const h = f.indexOf("#");
  return h < 0 || (h == n - 1 && (!h || f.charCodeAt(h - 1) == 47));
}

/**
 * Does `filter` match `topic`? `+` matches exactly one level (possibly empty), `#` any number of levels
 * including the parent (`a/#` matches `a`). Topics starting with `$` are not matched by a filter that
 * starts with a wildcard [MQTT-4.7.2-1]. Walks both strings in place: no split, no arrays.
 */
export function match(filter: string, topic: string): boolean {
  // The common filters, by native String operations (each step of the walk below is an interpreted
  // step on a board): the topic itself, and a plain prefix ending in "/#".
  if (filter == topic) return true;
  const fl = filter.length;
  if (FAST && filter.indexOf("+") < 0 && filter.indexOf("#") == fl - 1 && fl > 1 && topic.charCodeAt(0) != 36)
    return topic.length >= fl - 2 && topic.substr(0, fl - 2) == filter.substr(0, fl - 2) && (topic.length == fl - 2 || topic.charCodeAt(fl - 2) == 47);
  const tl = topic.length;
  let i = 0;
  let j = 0;
  const f0 = filter.charCodeAt(0);
  if (topic.charCodeAt(0) == 36 && (f0 == 43 || f0 == 35)) return false;
  for (;;) {
    const c = filter.charCodeAt(i);
    if (c == 35) return true; // '#'
    if (c == 43) {
      // '+': consume one topic level
      while (j < tl && topic.charCodeAt(j) != 47) j++;
      i++;
    } else {
      while (i < fl && filter.charCodeAt(i) != 47) {
        if (j >= tl || topic.charCodeAt(j) != filter.charCodeAt(i)) return false;
        i++;
        j++;
      }
    }
    // Both must now be at the end of a level.
    if (j < tl && topic.charCodeAt(j) != 47) return false;
    if (i >= fl) return j >= tl;
    i++; // past '/' in the filter
    if (j >= tl) return filter.charCodeAt(i) == 35 && i + 1 == fl; // "a/#" matches "a"
    j++; // past '/' in the topic
  }
}
