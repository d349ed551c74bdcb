// The package ships no types; the worker describes the part it uses (EspeakModule).
declare module "@echogarden/espeak-ng-emscripten" {
  const factory: () => Promise<unknown>;
  export default factory;
}
