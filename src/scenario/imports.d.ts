// What a scenario's special imports give, for TypeScript: a data file for
// feeder() (`import users from './users.csv?data'`) and a URL list for
// urlFlow() (`import shop from './shop.txt?urls'`). A scenario in its own
// project gets them with: /// <reference path="node_modules/squall/src/scenario/imports.d.ts" />
declare module '*?data' {
  const data: import('./feeder.js').DataFile;
  export default data;
}

declare module '*?urls' {
  const list: import('../protocol/urls.js').UrlList;
  export default list;
}
