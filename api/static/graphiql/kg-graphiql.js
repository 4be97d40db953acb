// Starts GraphiQL on /graphql with the assets this server hands out: no CDN, no inline script.
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var endpoint = root.getAttribute("data-endpoint") || window.location.pathname;
  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var props = {
    fetcher: fetcher,
    defaultQuery: root.getAttribute("data-default-query") || undefined,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: true,
  };
  ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
})();
