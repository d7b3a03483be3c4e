// Upload progress for forms with photos: the form is sent with XMLHttpRequest so that a bar can show how much
// has gone; the server's answer (a redirect, or the form again with its errors) replaces the page as usual.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (form.enctype !== "multipart/form-data") return;
  var files = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (i) { return i.files && i.files.length; });
  if (!files || !window.XMLHttpRequest || !window.FormData) return;
  ev.preventDefault();
  var bar = form.querySelector(".upload-progress");
  if (!bar) {
    bar = document.createElement("div");
    bar.className = "upload-progress";
    bar.innerHTML = '<div class="upload-bar"></div><span class="upload-text">正在上传 0%</span>';
    form.appendChild(bar);
  }
  var fill = bar.querySelector(".upload-bar"), text = bar.querySelector(".upload-text");
  var button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  var xhr = new XMLHttpRequest();
  xhr.open("POST", form.action || window.location.href);
  xhr.setRequestHeader("X-Upload-Progress", "1");
  xhr.upload.onprogress = function (e) {
    if (!e.lengthComputable) return;
    var pct = Math.round(e.loaded * 100 / e.total);
    fill.style.width = pct + "%";
    text.textContent = pct < 100 ? "正在上传 " + pct + "%" : "上传完成,正在处理…";
  };
  xhr.onload = function () {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("application/json") === 0) {
      window.location.href = JSON.parse(xhr.responseText).redirect;  // done: go where the server says
    } else {
      document.open(); document.write(xhr.responseText); document.close();  // the form again, with its errors
    }
  };
  xhr.onerror = function () {
    text.textContent = "网络中断,内容未丢失,请重试";
    if (button) button.disabled = false;
  };
  xhr.send(new FormData(form));
});
