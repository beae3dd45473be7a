/** A topic name to publish to: non-empty, at most 65,535 characters, no wildcard, no NUL [MQTT-4.7.3-1, 4.7.3-2]. */
export declare function validTopic(t: unknown): boolean;
/** A topic filter: `+` fills a whole level, `#` is a whole last level [MQTT-4.7.1-2, 4.7.1-3]; no NUL. */
export declare function validFilter(f: unknown): boolean;
/**
 * Does `filter` match `topic`? `+` matches exactly one level (possibly empty), `#` any number of levels
 * including the parent (`a/#` matches `a`). Topics starting with `$` are not matched by a filter that
 * starts with a wildcard [MQTT-4.7.2-1]. Walks both strings in place: no split, no arrays.
 */
export declare function match(filter: string, topic: string): boolean;
