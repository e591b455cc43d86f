{{/* Names, labels and the pod template shared by the api, worker and scheduler Deployments. */}}

{{- define "agentry.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "agentry.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "agentry.labels" -}}
{{ include "agentry.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "agentry.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "agentry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ default (include "agentry.fullname" .) .Values.serviceAccount.name }}
{{- else -}}
{{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}

{{/* The Secret holding the database URL (the chart's own unless existingSecret is set). */}}
{{- define "agentry.databaseSecret" -}}
{{- default (printf "%s-secrets" (include "agentry.fullname" .)) .Values.database.existingSecret -}}
{{- end -}}

{{- define "agentry.encryptionSecret" -}}
{{- default (printf "%s-secrets" (include "agentry.fullname" .)) .Values.encryptionKey.existingSecret -}}
{{- end -}}

{{/* Every process's environment: secrets by reference, settings as AGENTRY_* variables. */}}
{{- define "agentry.env" -}}
- name: AGENTRY_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "agentry.databaseSecret" . }}
      key: {{ .Values.database.existingSecretKey }}
- name: AGENTRY_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "agentry.encryptionSecret" . }}
      key: {{ .Values.encryptionKey.existingSecretKey }}
- name: AGENTRY_LOG_FORMAT
  value: {{ .Values.logFormat | quote }}
- name: AGENTRY_LOG
  value: {{ .Values.logLevel | quote }}
- name: AGENTRY_FILES_DIR
  value: /var/lib/agentry/files
{{- with .Values.redis.url }}
- name: AGENTRY_REDIS_URL
  value: {{ . | quote }}
{{- end }}
{{- with .Values.otlpEndpoint }}
- name: AGENTRY_OTLP_ENDPOINT
  value: {{ . | quote }}
{{- end }}
{{- range $name, $value := .Values.extraEnv }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/*
The pod template of one role. Called with (dict "root" $ "role" "api" "spec" .Values.api).
Every pod opens the metrics listener (metrics, /health, /ready); the api role also serves the
API, and its probes use that port.
*/}}
{{- define "agentry.podTemplate" -}}
{{- $root := .root -}}
{{- $spec := .spec -}}
metadata:
  labels:
    {{- include "agentry.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .role }}
  {{- if $root.Values.metrics.annotations }}
  annotations:
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $root.Values.metrics.port | quote }}
    prometheus.io/path: /metrics
  {{- end }}
spec:
  serviceAccountName: {{ include "agentry.serviceAccountName" $root }}
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: {{ $spec.terminationGracePeriodSeconds }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .role }}
      image: {{ include "agentry.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args: ["serve", "--role", {{ .role | quote }}]
      env:
        {{- include "agentry.env" $root | nindent 8 }}
        - name: AGENTRY_METRICS__BIND
          value: {{ printf "0.0.0.0:%v" $root.Values.metrics.port | quote }}
        {{- if eq .role "api" }}
        - name: AGENTRY_HOST
          value: 0.0.0.0
        - name: AGENTRY_PORT
          value: {{ $spec.port | quote }}
        {{- end }}
        {{- if eq .role "worker" }}
        - name: AGENTRY_WORKER_CONCURRENCY
          value: {{ $spec.concurrency | quote }}
        {{- end }}
      ports:
        {{- if eq .role "api" }}
        - name: http
          containerPort: {{ $spec.port }}
          protocol: TCP
        {{- end }}
        - name: metrics
          containerPort: {{ $root.Values.metrics.port }}
          protocol: TCP
      {{- $probePort := ternary "http" "metrics" (eq .role "api") }}
      startupProbe:
        httpGet: {path: /health, port: {{ $probePort }}}
        periodSeconds: 2
        failureThreshold: 60
      livenessProbe:
        httpGet: {path: /health, port: {{ $probePort }}}
        periodSeconds: 10
        timeoutSeconds: 3
        failureThreshold: 3
      readinessProbe:
        httpGet: {path: /ready, port: {{ $probePort }}}
        periodSeconds: 5
        timeoutSeconds: 3
        failureThreshold: 2
      resources:
        {{- toYaml $spec.resources | nindent 8 }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      volumeMounts:
        - name: files
          mountPath: /var/lib/agentry/files
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: files
      {{- if $root.Values.files.existingClaim }}
      persistentVolumeClaim:
        claimName: {{ $root.Values.files.existingClaim }}
      {{- else }}
      emptyDir: {}
      {{- end }}
    - name: tmp
      emptyDir: {}
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
