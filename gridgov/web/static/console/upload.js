// Upload progress for forms with photos: the form is sent with XMLHttpRequest so that a bar can show how much
// has gone; the server's answer (a redirect, or the form again with its errors) replaces the page as usual.
// A photo too big to be accepted (a 50-megapixel phone camera's) is made smaller in the browser first: drawn at
// most 4096 px on its longer side and saved as JPEG, so it uploads instead of being refused. Photos that fit are
// sent untouched (the original keeps its EXIF place and time as evidence).
var PHOTO_LIMIT = 9.5 * 1024 * 1024;  // the server refuses more than 10 MB

function shrinkPhoto(file) {
  if (file.size <= PHOTO_LIMIT || !/^image\/(jpeg|png|webp)$/.test(file.type) || !window.createImageBitmap) {
    return Promise.resolve(file);
  }
  return createImageBitmap(file).then(function (img) {
    var scale = Math.min(1, 4096 / Math.max(img.width, img.height));
    var canvas = document.createElement("canvas");
    canvas.width = Math.round(img.width * scale);
    canvas.height = Math.round(img.height * scale);
    canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
    var encode = function (quality) {
      return new Promise(function (done) { canvas.toBlob(done, "image/jpeg", quality); }).then(function (blob) {
        return blob.size > PHOTO_LIMIT && quality > 0.5 ? encode(quality - 0.15) : blob;
      });
    };
    return encode(0.85).then(function (blob) {
      return new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", {type: "image/jpeg"});
    });
  }, function () { return file; });  // cannot be decoded here: send it as it is, the server says why
}

function formWithSmallerPhotos(form) {
  var data = new FormData(form);
  var inputs = Array.prototype.filter.call(form.querySelectorAll("input[type=file]"), function (i) { return i.name && i.files.length; });
  return Promise.all(inputs.map(function (input) {
    return Promise.all(Array.prototype.map.call(input.files, shrinkPhoto)).then(function (files) {
      data.delete(input.name);
      files.forEach(function (f) { data.append(input.name, f, f.name); });
    });
  })).then(function () { return data; });
}
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
  text.textContent = "正在准备照片…";
  formWithSmallerPhotos(form).then(function (data) { xhr.send(data); });
});
