// Category picker with search (console 来电来访登记, grid worker's report): typing in #category-search keeps only
// the categories whose text contains it, and selects the first of them.
document.addEventListener("DOMContentLoaded", function () {
  var search = document.getElementById("category-search"), select = document.getElementById("id_category");
  if (!search || !select) return;
  search.addEventListener("input", function () {
    var q = search.value.trim(), first = null;
    Array.prototype.forEach.call(select.options, function (o) {
      var show = !q || !o.value || o.text.indexOf(q) >= 0;
      o.hidden = !show;
      if (show && o.value && !first) first = o;
    });
    if (q && first) select.value = first.value;
  });
});
