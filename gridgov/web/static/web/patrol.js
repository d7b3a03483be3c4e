/* 巡查轨迹 on the phone: while a patrol is on, every position the phone gives (at most one each 5 s unless it moved
   10 m) is kept in localStorage and sent in batches to /api/v1/supervision/track/ (every 30 s, or at 20 waiting);
   a batch the server refuses as invalid is dropped with the reason shown, one that fails on the network stays for
   the next try. The patrol goes on after a reload (the state is in localStorage). */
(function () {
  "use strict";
  var box = document.getElementById("patrol");
  if (!box) { return; }
  var url = box.dataset.url, KEY = "gridgov-track-" + box.dataset.user, ON = "gridgov-patrol-" + box.dataset.user;
  var csrf = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  var stateTag = document.getElementById("patrol-state"), status = document.getElementById("patrol-status");
  var startBtn = document.getElementById("patrol-start"), stopBtn = document.getElementById("patrol-stop");
  var errorBox = document.getElementById("patrol-error");
  var watch = null, timer = null, sending = false, sent = 0;

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(buf) { localStorage.setItem(KEY, JSON.stringify(buf)); }
  function error(text) { errorBox.textContent = text; errorBox.hidden = !text; }
  function render() {
    var on = localStorage.getItem(ON) === "1";
    stateTag.textContent = on ? "巡查中" : "未开始";
    stateTag.className = on ? "tag tag-green" : "tag";
    startBtn.hidden = on; stopBtn.hidden = !on;
    var waiting = load().length;
    status.textContent = (on ? "正在记录轨迹。" : "开始巡查后,手机按位置记录轨迹;请保持本页打开。") +
      "本次已上传 " + sent + " 个定位点" + (waiting ? ",待上传 " + waiting + " 个" : "") + "。";
  }
  function onPosition(p) {
    var buf = load(), last = buf[buf.length - 1];
    var point = {at: Math.round(p.timestamp), lon: p.coords.longitude, lat: p.coords.latitude,
                 accuracy: Math.round(p.coords.accuracy || 0)};
    if (last && point.at - last.at < 5000 &&
        Math.abs(point.lat - last.lat) * 111000 < 10 && Math.abs(point.lon - last.lon) * 100000 < 10) { return; }
    buf.push(point); save(buf); error("");
    if (buf.length >= 20) { flush(); } else { render(); }
  }
  function onError(e) {
    error(e.code === 1 ? "无法获取位置:请在手机设置中允许本页面使用定位" : "暂时无法获取位置,请到开阔处再试");
  }
  function flush() {
    var buf = load();
    if (sending || !buf.length) { render(); return Promise.resolve(); }
    var batch = buf.slice(0, 500);
    sending = true;
    return fetch(url, {method: "POST", credentials: "same-origin",
                       headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
                       body: JSON.stringify({points: batch})})
      .then(function (r) {
        return r.json().then(function (body) {
          if (r.ok) { sent += body.stored; save(load().slice(batch.length)); error(""); return; }
          if (r.status === 400 || r.status === 403) {  // refused as it is: sending it again would not help
            save(load().slice(batch.length));
            error("有 " + batch.length + " 个定位点未能保存:" + ((body.error && body.error.message) || "数据无效"));
          } else { error("上传暂未成功,稍后自动重试"); }
        });
      })
      .catch(function () { error("网络不通,定位点已存在手机上,联网后自动上传"); })
      .then(function () { sending = false; render(); });
  }
  function begin() {
    if (!navigator.geolocation) { error("本机不支持定位,无法记录轨迹"); return; }
    localStorage.setItem(ON, "1");
    watch = navigator.geolocation.watchPosition(onPosition, onError,
                                                {enableHighAccuracy: true, maximumAge: 5000, timeout: 30000});
    timer = setInterval(flush, 30000);
    render();
  }
  startBtn.addEventListener("click", begin);
  stopBtn.addEventListener("click", function () {
    localStorage.removeItem(ON);
    if (watch !== null) { navigator.geolocation.clearWatch(watch); watch = null; }
    if (timer !== null) { clearInterval(timer); timer = null; }
    flush();
  });
  window.gridgovPatrol = {flush: flush, waiting: function () { return load().length; }};
  if (localStorage.getItem(ON) === "1") { begin(); } else { render(); }
  if (load().length) { flush(); }
})();
