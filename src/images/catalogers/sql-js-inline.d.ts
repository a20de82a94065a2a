/** sql.js ships its inline-WASM build without types; it has the same API as the default entry. */
declare module 'sql.js/dist/sql-wasm-inline.js' {
  import initSqlJs from 'sql.js';
  export default initSqlJs;
}
