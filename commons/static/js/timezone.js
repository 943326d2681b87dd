// Tell the server the browser's time zone once, so that times are shown in it.
(function () {
  if (document.cookie.split("; ").some((c) => c.startsWith("tz="))) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && /^[A-Za-z0-9_+\-\/]+$/.test(zone)) {
    document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
  }
})();
