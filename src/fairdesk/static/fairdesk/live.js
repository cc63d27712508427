// The live channel (core/live.py): one WebSocket per page, shared by every subscription on it, opened only
// when something subscribes.
//
//   var sub = FairdeskLive.subscribe("support.conversation.42", function (message) { ... },
//                                    {poll: refreshFromServer, pollEvery: 3000});
//   sub.unsubscribe();
//
// The socket goes to <body data-live-url> (set from FAIRDESK_LIVE_URL) or the same origin's /ws/live/ (wss: on
// an https: page). After a drop it reconnects (1 s, doubling to 30 s) and subscribes again. While a topic is
// not live (socket closed, not yet confirmed, or refused) `poll()` is called every `pollEvery` ms (default
// 3000): the fallback that works without WebSockets. When a topic becomes live `poll()` runs once to catch up
// on what was sent meanwhile, and then every `safetyEvery` ms (default 30000; 0 = never) in case a message
// was lost. <body data-live> says "connecting", "on" or "off"; a "fairdesk:live" event on document follows
// each change; FairdeskLive.topicState(topic) says whether one topic is live. `opts.onRefused(topic)` is told
// when the server refuses the topic. No inline script anywhere: the Content-Security-Policy forbids it.
(function () {
  "use strict";
  var MIN_BACKOFF = 1000, MAX_BACKOFF = 30000;
  var socket = null, open = false, backoff = MIN_BACKOFF, retryTimer = null;
  var topics = {}; // topic -> {state: "pending" | "subscribed" | "refused", entries: [subscription, ...]}

  function setState(state) {
    if (document.body.dataset.live === state) { return; }
    document.body.dataset.live = state;
    document.dispatchEvent(new CustomEvent("fairdesk:live", {detail: {state: state}}));
  }

  function socketUrl() {
    var configured = document.body.dataset.liveUrl;
    if (configured) { return configured; }
    return (window.location.protocol === "https:" ? "wss:" : "ws:") + "//" + window.location.host + "/ws/live/";
  }

  function send(frame) {
    if (open && socket) { socket.send(JSON.stringify(frame)); }
  }

  function anyTopic() {
    return Object.keys(topics).length > 0;
  }

  function connect() {
    retryTimer = null;
    if (socket || !anyTopic()) { return; }
    setState("connecting");
    try {
      socket = new WebSocket(socketUrl());
    } catch (error) {
      socket = null;
      setState("off");
      reconnectLater();
      return;
    }
    socket.onopen = function () {
      open = true;
      backoff = MIN_BACKOFF;
      setState("on");
      Object.keys(topics).forEach(function (topic) { send({subscribe: topic}); });
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (error) { return; }
      if (!frame || typeof frame !== "object") { return; }
      if (typeof frame.subscribed === "string") { confirmed(frame.subscribed); return; }
      if (typeof frame.refused === "string") { refused(frame.refused); return; }
      var known = typeof frame.topic === "string" && topics[frame.topic];
      if (!known) { return; }
      known.entries.slice().forEach(function (entry) {
        try { entry.onMessage(frame); } catch (error) { window.setTimeout(function () { throw error; }); }
      });
    };
    socket.onclose = function () {
      socket = null;
      open = false;
      Object.keys(topics).forEach(function (topic) { topics[topic].state = "pending"; });
      setState("off");
      reconnectLater();
    };
    socket.onerror = function () { /* onclose follows and schedules the next try */ };
  }

  function reconnectLater() {
    if (retryTimer || !anyTopic()) { return; }
    retryTimer = window.setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF);
  }

  function confirmed(topic) {
    var known = topics[topic];
    if (!known || known.state === "subscribed") { return; }
    known.state = "subscribed";
    known.entries.forEach(function (entry) { poll(entry); }); // catch up on what was sent before this
  }

  function refused(topic) {
    var known = topics[topic];
    if (!known) { return; }
    known.state = "refused";
    known.entries.forEach(function (entry) {
      if (entry.onRefused) { entry.onRefused(topic); }
    });
  }

  function poll(entry) {
    if (!entry.poll) { return; }
    entry.lastPoll = Date.now();
    try { entry.poll(); } catch (error) { window.setTimeout(function () { throw error; }); }
  }

  function tick(entry) {
    if (entry.closed) { return; }
    var known = topics[entry.topic];
    var live = known && known.state === "subscribed";
    if (!live || (entry.safetyEvery > 0 && Date.now() - entry.lastPoll >= entry.safetyEvery)) {
      poll(entry);
    }
    entry.timer = window.setTimeout(function () { tick(entry); }, entry.pollEvery);
  }

  function subscribe(topic, onMessage, options) {
    var opts = options || {};
    var entry = {
      topic: String(topic),
      onMessage: onMessage || function () {},
      poll: typeof opts.poll === "function" ? opts.poll : null,
      pollEvery: opts.pollEvery > 0 ? opts.pollEvery : 3000,
      safetyEvery: opts.safetyEvery === undefined ? 30000 : opts.safetyEvery,
      onRefused: typeof opts.onRefused === "function" ? opts.onRefused : null,
      lastPoll: Date.now(),
      closed: false,
      timer: null
    };
    var known = topics[entry.topic];
    if (!known) {
      known = topics[entry.topic] = {state: "pending", entries: []};
      send({subscribe: entry.topic});
    }
    known.entries.push(entry);
    entry.timer = window.setTimeout(function () { tick(entry); }, entry.pollEvery);
    if (!socket && !retryTimer) { connect(); }
    return {
      unsubscribe: function () {
        entry.closed = true;
        window.clearTimeout(entry.timer);
        var current = topics[entry.topic];
        if (!current) { return; }
        current.entries = current.entries.filter(function (other) { return other !== entry; });
        if (current.entries.length === 0) {
          delete topics[entry.topic];
          send({unsubscribe: entry.topic});
          if (!anyTopic() && socket) { socket.close(); }
        }
      }
    };
  }

  // Back online (or the tab shown again) after a long back-off: try at once instead of waiting it out.
  function retryNow() {
    if (socket || !anyTopic()) { return; }
    window.clearTimeout(retryTimer);
    retryTimer = null;
    backoff = MIN_BACKOFF;
    connect();
  }
  window.addEventListener("online", retryNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { retryNow(); }
  });

  window.FairdeskLive = {
    subscribe: subscribe,
    connected: function () { return open; },
    // "subscribed" (live), "pending" (asked, or waiting for the socket), "refused", or null (not subscribed).
    topicState: function (topic) { return topics[topic] ? topics[topic].state : null; },
    reconnect: function () { if (socket) { socket.close(); } else { retryNow(); } }
  };
})();
