// The simulated broker's own topic matcher, independent of the client's (src/topic.ts walks both
// strings in place; this builds a regular expression from the filter), so a bug in the client's matcher
// cannot hide behind the same bug in the broker.
const cache = new Map<string, RegExp>();

function compile(filter: string): RegExp {
  const levels = filter.split("/");
  let re = "";
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i];
    if (l == "#") {
      // `#` is the whole last level and also matches its parent: "a/#" matches "a" [MQTT-4.7.1-2].
      re = i == 0 ? ".*" : re + "(?:/.*)?";
      break;
    }
    const part = l == "+" ? "[^/]*" : l.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    re += (i ? "/" : "") + part;
  }
  return new RegExp("^" + re + "$", "s");
}

/** Does the subscription `filter` match the topic name `topic`? */
export function brokerMatch(filter: string, topic: string): boolean {
  // Topics starting with `$` are not matched by a filter starting with a wildcard [MQTT-4.7.2-1].
  if (topic[0] == "$" && (filter[0] == "+" || filter[0] == "#")) return false;
  let re = cache.get(filter);
  if (!re) cache.set(filter, (re = compile(filter)));
  return re.test(topic);
}
