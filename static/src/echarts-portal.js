// The portal's ECharts: only the charts and components its pages draw, bundled by esbuild at build time
// (`npm run build:echarts`, run by `make assets` and the image's assets stage) into static/vendor/echarts-portal.min.js,
// which sets `window.echarts` as the full build did. When a page draws a new kind of chart or uses a new component
// (title, dataZoom, markLine, pie…), register it here, or ECharts draws nothing and logs an error.
//   static/js/dashboard.js  funnel, bar (stacked), line; tooltip (item and axis), legend (plain and scroll), grid,
//                           graphic (the empty vouchers chart); canvas on the dashboards, SVG on the print page
//   static/js/portrait.js   radar (radar coordinate system), line; tooltip, legend, grid
//   static/js/ip.js         bar; tooltip, legend, grid
import { use } from "echarts/core";
import { BarChart, FunnelChart, LineChart, RadarChart } from "echarts/charts";
import {
  GraphicComponent,
  GridComponent,
  LegendComponent,
  RadarComponent,
  TooltipComponent,
} from "echarts/components";
import { LabelLayout } from "echarts/features";
import { CanvasRenderer, SVGRenderer } from "echarts/renderers";

use([
  BarChart,
  FunnelChart,
  LineChart,
  RadarChart,
  GraphicComponent,
  GridComponent,
  LegendComponent,
  RadarComponent,
  TooltipComponent,
  LabelLayout,
  CanvasRenderer,
  SVGRenderer,
]);

export * from "echarts/core";
