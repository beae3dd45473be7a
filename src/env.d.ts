// The few host globals src/ uses, declared here so the ES5 lib stays the only type library:
// anything newer (Map, Promise, ...) is then a type error, not a surprise on the device.
declare function setTimeout(f: (a?: any, b?: any) => void, ms: number, a?: any, b?: any): unknown;
declare function clearTimeout(t: unknown): void;
declare function require(name: string): any;
declare var E: any;
declare function atob(s: string): string;
