//! The field names looked up for each part of a structured record, in order of preference.

pub(super) const TIME: &[&str] = &[
    "@timestamp",
    "timestamp",
    "time",
    "ts",
    "@t",
    "datetime",
    "date",
    "asctime",
    "eventTime",
];
pub(super) const LEVEL: &[&str] = &[
    "level",
    "severity",
    "lvl",
    "log.level",
    "levelname",
    "@l",
    "loglevel",
    "log_level",
    "levelName",
];
pub(super) const MESSAGE: &[&str] = &["message", "msg", "@m", "event", "short_message", "@mt"];
pub(super) const ERROR_TYPE: &[&str] = &[
    "error.type",
    "error.kind",
    "error.name",
    "err.type",
    "err.name",
    "exception.type",
    "exception.class",
    "exception.name",
    "errorType",
    "exception_name",
    "exc_type",
    "error_type",
    "exception_class",
    "thrown.name",
    "error.class",
];
pub(super) const ERROR_MESSAGE: &[&str] = &[
    "error.message",
    "error.msg",
    "err.message",
    "err.msg",
    "exception.message",
    "errorMessage",
    "thrown.message",
    "exception_message",
    "exc_message",
    "error_message",
];
pub(super) const STACK: &[&str] = &[
    "error.stack_trace",
    "error.stacktrace",
    "error.stack",
    "error.backtrace",
    "err.stack",
    "err.stack_trace",
    "exception.stacktrace",
    "exception.stack_trace",
    "exception.stack",
    "thrown.extendedStackTrace",
    "thrown.stackTrace",
    "stack_trace",
    "stacktrace",
    "stackTrace",
    "stack",
    "exc_info",
    "@x",
    "backtrace",
];
/// Error fields that may hold a whole trace or a one-line error message.
pub(super) const ERROR_TEXT: &[&str] = &["error", "err", "exception", "exc", "fields.error"];
pub(super) const REQUEST_ID: &[&str] = &[
    "request_id",
    "requestId",
    "req_id",
    "reqId",
    "req.id",
    "request.id",
    "http.request.id",
    "function_request_id",
    "aws_request_id",
    "awsRequestId",
    "correlation_id",
    "correlationId",
    "x_request_id",
    "trace_id",
    "traceId",
    "trace.id",
    "span.request_id",
];
pub(super) const USER: &[&str] = &[
    "user_id",
    "userId",
    "user.id",
    "usr.id",
    "enduser.id",
    "uid",
    "user",
];
pub(super) const METHOD: &[&str] = &[
    "http.request.method",
    "http.method",
    "method",
    "req.method",
    "request.method",
    "httpMethod",
    "http_method",
];
pub(super) const ROUTE: &[&str] = &[
    "http.route",
    "route",
    "req.route",
    "routePath",
    "path_template",
];
pub(super) const PATH: &[&str] = &[
    "url.path",
    "http.target",
    "http.path",
    "path",
    "req.url",
    "request.path",
    "request.url",
    "http.url",
    "url.original",
    "url",
    "uri",
    "request_uri",
];
pub(super) const STATUS: &[&str] = &[
    "http.response.status_code",
    "http.status_code",
    "status_code",
    "statusCode",
    "status",
    "res.statusCode",
    "response.status",
    "http.status",
];
pub(super) const SERVICE: &[&str] = &[
    "service.name",
    "service",
    "app",
    "application",
    "app_name",
    "appName",
    "service_name",
    "serviceName",
    "dd.service",
];
pub(super) const ENVIRONMENT: &[&str] = &[
    "deployment.environment",
    "environment",
    "env",
    "service.environment",
    "dd.env",
    "stage",
];
pub(super) const RELEASE: &[&str] = &[
    "release",
    "service.version",
    "version",
    "app_version",
    "appVersion",
    "dd.version",
];
/// Objects whose keys are looked up too, after the top level.
pub(super) const SCOPES: &[&str] = &["fields", "context", "ctx", "extra"];
